// The server's names for its closed vocabularies (src/i18n/vocabulary.*.ts) as dictionary entries,
// so the web lists no level, role, status or audit action by hand: 'role.admin', 'auditAction.area.create'…
import * as en from '../../../src/i18n/vocabulary.en';
import * as zh from '../../../src/i18n/vocabulary.zh-CN';
import { prefixed } from './prefixed';

export { prefixed };

export const vocabularyZhCN = {
  ...prefixed('level', zh.levelsZhCN),
  ...prefixed('kind', zh.areaKindsZhCN),
  ...prefixed('role', zh.rolesZhCN),
  ...prefixed('right', zh.rightsZhCN),
  ...prefixed('category', zh.departmentCategoriesZhCN),
  ...prefixed('personStatus', zh.personStatusesZhCN),
  ...prefixed('tenancyStatus', zh.tenancyStatusesZhCN),
  ...prefixed('codeStatus', zh.accessCodeStatusesZhCN),
  ...prefixed('pendingStatus', zh.pendingChangeStatusesZhCN),
  ...prefixed('feedStatus', zh.feedBatchStatusesZhCN),
  ...prefixed('inboxStatus', zh.inboxStatusesZhCN),
  ...prefixed('roundStatus', zh.roundStatusesZhCN),
  ...prefixed('kpStatus', zh.keyPersonStatusesZhCN),
  ...prefixed('leadStatus', zh.leadStatusesZhCN),
  ...prefixed('events.status', zh.eventStatusesZhCN),
  ...prefixed('requests.kind', zh.requestKindsZhCN),
  ...prefixed('requests.status', zh.serviceRequestStatusesZhCN),
  ...prefixed('announcements.kind', zh.announcementKindsZhCN),
  ...prefixed('announcements.status', zh.announcementStatusesZhCN),
  ...prefixed('importStatus', zh.importStatusesZhCN),
  ...prefixed('auditAction', zh.auditActionsZhCN),
  ...prefixed('entityType', zh.entityTypesZhCN),
  ...prefixed('systemActor', zh.systemActorsZhCN),
};

export const vocabularyEn: typeof vocabularyZhCN = {
  ...prefixed('level', en.levelsEn),
  ...prefixed('kind', en.areaKindsEn),
  ...prefixed('role', en.rolesEn),
  ...prefixed('right', en.rightsEn),
  ...prefixed('category', en.departmentCategoriesEn),
  ...prefixed('personStatus', en.personStatusesEn),
  ...prefixed('tenancyStatus', en.tenancyStatusesEn),
  ...prefixed('codeStatus', en.accessCodeStatusesEn),
  ...prefixed('pendingStatus', en.pendingChangeStatusesEn),
  ...prefixed('feedStatus', en.feedBatchStatusesEn),
  ...prefixed('inboxStatus', en.inboxStatusesEn),
  ...prefixed('roundStatus', en.roundStatusesEn),
  ...prefixed('kpStatus', en.keyPersonStatusesEn),
  ...prefixed('leadStatus', en.leadStatusesEn),
  ...prefixed('events.status', en.eventStatusesEn),
  ...prefixed('requests.kind', en.requestKindsEn),
  ...prefixed('requests.status', en.serviceRequestStatusesEn),
  ...prefixed('announcements.kind', en.announcementKindsEn),
  ...prefixed('announcements.status', en.announcementStatusesEn),
  ...prefixed('importStatus', en.importStatusesEn),
  ...prefixed('auditAction', en.auditActionsEn),
  ...prefixed('entityType', en.entityTypesEn),
  ...prefixed('systemActor', en.systemActorsEn),
};
