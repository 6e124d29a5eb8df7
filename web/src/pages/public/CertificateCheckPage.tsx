import { CheckCircleFilled, CloseCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import { Card, Descriptions, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { PublicCertificate } from '../../api/model';
import { PublicLayout, PublicLoadState } from '../../components/public/PublicLayout';
import { useI18n } from '../../i18n/context';

const STATE: Record<PublicCertificate['state'], { icon: ReactNode; className: string }> = {
  valid: { icon: <CheckCircleFilled />, className: 'certificate-check-valid' },
  expired: { icon: <ExclamationCircleFilled />, className: 'certificate-check-expired' },
  revoked: { icon: <CloseCircleFilled />, className: 'certificate-check-revoked' },
};

/** The page a certificate's QR code opens (/v/:token): valid or not, and the certificate's face only. */
export function CertificateCheckPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { token = '' } = useParams();
  const loaded = useResource(
    (signal) => call(api.GET('/api/public/certificates/{token}', { params: { path: { token } }, signal })),
    [token],
  );
  const view = loaded.data;
  return (
    <PublicLayout>
      {!view ? (
        <PublicLoadState error={loaded.error} onRetry={loaded.reload} />
      ) : (
        <div className="public-page" data-testid="certificate-check">
          <Card className={`public-card certificate-check-state ${STATE[view.state].className}`}>
            <div className="certificate-check-icon">{STATE[view.state].icon}</div>
            <Typography.Title level={3} className="certificate-check-title" data-testid="certificate-state">
              {t(`certificates.verify.${view.state}`)}
            </Typography.Title>
            <div>{t(`certificates.kind.${view.kind}`)}</div>
          </Card>
          <Card className="public-card" title={t('certificates.verify.title')}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('certificates.number')}>
                <span className="code-text" data-testid="certificate-number">
                  {view.number}
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('certificates.verify.holder')}>{view.name}</Descriptions.Item>
              <Descriptions.Item label={t('certificates.issuer')}>{view.issuer}</Descriptions.Item>
              <Descriptions.Item label={t('certificates.verify.issuedOn')}>{view.issuedOn}</Descriptions.Item>
              <Descriptions.Item label={t('certificates.validUntil')}>
                {i18n.formatDateTime(view.validUntil)}
              </Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph type="secondary" className="certificate-check-privacy">
              {t('certificates.verify.privacy')}
            </Typography.Paragraph>
          </Card>
        </div>
      )}
    </PublicLayout>
  );
}
