import { FileExcelOutlined } from '@ant-design/icons';
import { App, Button, DatePicker, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { http } from '../../api/client';
import type { DailyReportQuery } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { saveFile } from '../files';

interface DailyReportButtonProps {
  areaId: number;
  /** Icon-sized date picker and button (the dashboard's header). */
  compact?: boolean;
}

/** The day's epidemic report of an area as XLSX (masked; the export is audit-logged). */
export function DailyReportButton({ areaId, compact = false }: DailyReportButtonProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [date, setDate] = useState<Dayjs>(() => dayjs());
  const [busy, setBusy] = useState(false);

  const download = async () => {
    setBusy(true);
    try {
      const day = date.format('YYYY-MM-DD');
      // A download, not a JSON answer: the query is still checked against the server's schema.
      const query: DailyReportQuery = { node: areaId, date: day };
      const file = await http.download('/reports/daily.xlsx', `daily-${day}.xlsx`, query);
      saveFile(file);
      void message.success(t('export.done', { file: file.fileName }));
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space.Compact className={compact ? 'report-compact' : undefined}>
      <DatePicker
        value={date}
        allowClear={false}
        size={compact ? 'small' : 'middle'}
        disabledDate={(day) => day.isAfter(dayjs(), 'day')}
        onChange={(day: Dayjs | null) => setDate(day ?? dayjs())}
        aria-label={t('report.date')}
        style={{ width: compact ? 128 : 140 }}
      />
      <Button
        icon={<FileExcelOutlined />}
        loading={busy}
        size={compact ? 'small' : 'middle'}
        onClick={() => void download()}
        data-testid="daily-report"
      >
        {t('report.daily')}
      </Button>
    </Space.Compact>
  );
}
