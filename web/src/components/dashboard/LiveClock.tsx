import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/context';

/** Date, weekday and time, ticking every second. */
export function LiveClock() {
  const { locale } = useI18n();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  const date = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
    timeZone: 'Asia/Shanghai',
  }).format(now);
  const time = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  }).format(now);
  return (
    <div className="bigscreen-clock" data-testid="dashboard-clock">
      <span className="bigscreen-clock-time">{time}</span>
      <span className="bigscreen-clock-date">{date}</span>
    </div>
  );
}
