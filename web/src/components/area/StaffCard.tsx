import { UserOutlined } from '@ant-design/icons';
import { Card, Empty, List, Tag } from 'antd';
import type { AreaDetail } from '../../api/model';

type StaffMember = AreaDetail['staff'][number];
import { useI18n } from '../../i18n/context';
import { roleLabel } from '../../i18n/labels';

const PAGE_SIZE = 8;

/** People holding a role on exactly this area. */
export function StaffCard({ staff }: { staff: StaffMember[] }) {
  const i18n = useI18n();
  return (
    <Card size="small" title={i18n.t('area.staff')} className="side-card" data-testid="staff-card">
      {staff.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={i18n.t('area.noStaff')} />
      ) : (
        <List
          size="small"
          dataSource={staff}
          rowKey={(member) => `${member.userId}:${member.role}`}
          pagination={
            staff.length > PAGE_SIZE ? { pageSize: PAGE_SIZE, size: 'small', align: 'center' } : false
          }
          renderItem={(member) => (
            <List.Item>
              <span className="staff-name">
                <UserOutlined /> {member.displayName} <span className="muted">{member.username}</span>
              </span>
              <Tag color="blue">{roleLabel(i18n, member.role)}</Tag>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
