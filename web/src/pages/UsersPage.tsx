import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Select, Space, Table, type TableProps, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, call } from '../api/client';
import { useUserList } from '../api/hooks';
import type { Role, UserAssignmentView as UserAssignment, UserView as User } from '../api/model';
import { ROLES } from '../api/vocabulary';
import { useAuth } from '../auth/AuthContext';
import { CreateUserDrawer } from '../components/users/CreateUserDrawer';
import { UserActions } from '../components/users/UserActions';
import { NARROW_SCREEN, useMediaQuery } from '../components/useMediaQuery';
import { useI18n } from '../i18n/context';
import { errorText, roleLabel } from '../i18n/labels';
import { tablePaging } from '../components/paging';

export function UsersPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message, modal } = App.useApp();
  const { can } = useAuth();
  const narrow = useMediaQuery(NARROW_SCREEN);
  const manage = can('user.manage');
  // The server tells which accounts the caller manages (every area they hold a role in).
  const manages = (user: User) => manage && (user.allowedActions ?? []).includes('manage');
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | undefined>();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const list = useUserList({ q: q || undefined, role, ...paging }, version);
  const reload = () => setVersion((v) => v + 1);

  const removeRole = (user: User, assignment: UserAssignment) =>
    modal.confirm({
      title: t('users.removeRoleConfirm', {
        role: roleLabel(i18n, assignment.role),
        area: assignment.areaName,
      }),
      okButtonProps: { danger: true },
      okText: t('common.ok'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await call(
            api.DELETE('/api/users/{id}/assignments/{assignmentId}', {
              params: { path: { id: user.id, assignmentId: assignment.id } },
            }),
          );
          void message.success(t('users.roleRemoved'));
          reload();
        } catch (error) {
          void message.error(errorText(i18n, error));
        }
      },
    });

  const columns: TableProps<User>['columns'] = [
    {
      title: t('users.displayName'),
      key: 'name',
      render: (_value, user) => (
        <div>
          <Typography.Text strong>{user.displayName}</Typography.Text>
          <div className="muted user-username">{user.username}</div>
        </div>
      ),
    },
    {
      title: t('users.roles'),
      key: 'roles',
      render: (_value, user) => (
        <Space size={[4, 4]} wrap>
          {user.assignments.map((assignment) => (
            <Tag
              key={assignment.id}
              color="blue"
              closable={manages(user) && user.assignments.length > 1}
              onClose={(event) => {
                event.preventDefault();
                removeRole(user, assignment);
              }}
            >
              {roleLabel(i18n, assignment.role)} · {assignment.areaName}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('users.status'),
      key: 'status',
      render: (_value, user) => (
        <Space size={[4, 4]} wrap>
          {user.disabled ? (
            <Tag color="default">{t('users.disabled')}</Tag>
          ) : (
            <Tag color="green">{t('users.active')}</Tag>
          )}
          {user.locked && <Tag color="red">{t('users.locked')}</Tag>}
          {user.mfaEnabled && <Tag color="green">{t('users.mfa')}</Tag>}
          {user.mustChangePassword && <Tag color="orange">{t('users.mustChange')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('users.lastLogin'),
      dataIndex: 'lastLoginAt',
      render: (_value, user) =>
        user.lastLoginAt ? (
          i18n.formatDateTime(user.lastLoginAt)
        ) : (
          <span className="muted">{t('users.never')}</span>
        ),
    },
    ...(manage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            fixed: 'right' as const,
            render: (_value: unknown, user: User) =>
              manages(user) ? <UserActions user={user} onChanged={reload} /> : null,
          },
        ]
      : []),
  ];

  return (
    <div className="page" data-testid="users-page">
      <Card
        title={t('users.title')}
        data-testid="users-table"
        extra={
          manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('users.create')}
            </Button>
          )
        }
      >
        <Space wrap className="toolbar">
          <Input.Search
            allowClear
            placeholder={t('users.searchPlaceholder')}
            className="toolbar-search"
            onSearch={(value) => {
              setQ(value.trim());
              setPaging((current) => ({ ...current, page: 1 }));
            }}
          />
          <Select<Role>
            allowClear
            placeholder={t('common.allRoles')}
            className="toolbar-select"
            value={role}
            onChange={(value) => {
              setRole(value);
              setPaging((current) => ({ ...current, page: 1 }));
            }}
            options={ROLES.map((value) => ({ value, label: roleLabel(i18n, value) }))}
          />
        </Space>
        <Table<User>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          scroll={{ x: 'max-content' }}
          locale={list.error ? { emptyText: errorText(i18n, list.error) } : undefined}
          pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging, {
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100],
          })}
        />
      </Card>
      {manage && (
        <CreateUserDrawer
          open={creating}
          narrow={narrow}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            reload();
          }}
        />
      )}
    </div>
  );
}
