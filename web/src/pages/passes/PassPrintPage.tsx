import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Spin } from 'antd';
import { useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import { ErrorResult } from '../../components/ErrorResult';
import { useI18n } from '../../i18n/context';
import { statusLabel } from './PassesPage';
import './passes.css';

/** One pass as it is printed: masked holder, purpose, validity, checkpoints and its QR code. */
export function PassPrintPage() {
  const { t, formatDateTime } = useI18n();
  const id = Number(useParams().id);
  const pass = useResource(
    (signal) => call(api.GET('/api/passes/{id}', { params: { path: { id } }, signal })),
    [id],
  );
  if (pass.error) return <ErrorResult error={pass.error} />;
  const data = pass.data;
  if (!data) return <Spin className="page-spin" />;
  return (
    <div className="page narrow-page" data-testid="pass-print-page">
      <div className="pass-print-actions">
        <Button icon={<ArrowLeftOutlined />} onClick={() => window.history.back()}>
          {t('passes.back')}
        </Button>
        {data.status === 'active' && (
          <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
            {t('passes.printButton')}
          </Button>
        )}
      </div>
      <div className="pass-print">
        <h2>{t('passes.printTitle')}</h2>
        <div className="code-text">{data.code}</div>
        {data.status === 'active' ? (
          <div className="pass-print-qr">
            {/* The image request is the audited print (pass.print). */}
            <img src={`/api/passes/${data.id}/qr`} alt={data.code} data-testid="pass-qr" />
          </div>
        ) : (
          <Alert
            type="warning"
            showIcon
            title={`${statusLabel(t, data.status)} · ${t('passes.notPrintable')}`}
            style={{ margin: '12px 0' }}
          />
        )}
        <dl className="pass-print-facts">
          <dt>{t('passes.col.holder')}</dt>
          <dd>
            {data.holder.nameMasked} <span className="code-text">{data.holder.documentMasked}</span>
          </dd>
          <dt>{t('passes.col.purpose')}</dt>
          <dd>{data.purpose}</dd>
          <dt>{t('passes.col.validity')}</dt>
          <dd>
            {formatDateTime(data.validFrom)} – {formatDateTime(data.validTo)}
          </dd>
          <dt>{t('passes.col.checkpoints')}</dt>
          <dd>
            {data.checkpoints.length > 0
              ? data.checkpoints.map((c) => c.name).join('、')
              : `${data.area.name} · ${t('passes.allCheckpoints')}`}
          </dd>
        </dl>
        <div className="pass-print-note">{t('passes.printNote')}</div>
      </div>
    </div>
  );
}
