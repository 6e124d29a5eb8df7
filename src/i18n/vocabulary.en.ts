// Names of the closed vocabularies (core/vocabulary.ts) in English.
// Each record is typed by its vocabulary: a word without a name here fails the build.
import type {
  AccessCodeStatus,
  AnnouncementKind,
  AnnouncementStatus,
  AreaKind,
  AuditAction,
  CheckpointDecision,
  CheckpointDirection,
  CheckpointKind,
  CheckpointRecordSource,
  CheckpointSubject,
  DepartmentCategory,
  EntityType,
  EventStatus,
  FeedBatchStatus,
  HealthVerdict,
  ImportStatus,
  InboxStatus,
  KeyPersonStatus,
  LeadStatus,
  Level,
  PassStatus,
  PendingChangeStatus,
  PersonStatus,
  RequestKind,
  Right,
  Role,
  RoundStatus,
  ServiceRequestStatus,
  SweepHouseholdState,
  SweepOutcome,
  SweepStatus,
  SweepSymptom,
  SystemActor,
  TenancyStatus,
} from '../core/vocabulary.js';

export const levelsEn: Readonly<Record<Level, string>> = {
  city: 'City',
  county: 'County / district',
  township: 'Township / subdistrict',
  village: 'Village / community',
  grid: 'Grid',
  microgrid: 'Micro-grid',
  cell: 'Row / building',
};

export const areaKindsEn: Readonly<Record<AreaKind, string>> = {
  ordinary: 'Ordinary',
  enterprise: 'Enterprise',
  site: 'Construction site',
  school: 'School',
  hotel: 'Hotel',
};

export const rolesEn: Readonly<Record<Role, string>> = {
  admin: 'Administrator',
  commander: 'Commander',
  community_staff: 'Community staff',
  grid_leader: 'Grid leader',
  grid_worker: 'Grid worker',
  volunteer: 'Volunteer',
  doctor: 'Doctor',
  police: 'Police officer',
  department: 'Department staff',
};

export const rightsEn: Readonly<Record<Right, string>> = {
  'area.read': 'View areas',
  'area.manage': 'Manage areas',
  'user.read': 'View users',
  'user.manage': 'Manage users',
  'audit.read': 'Read the audit log',
  'person.read': 'View persons',
  'person.write': 'Register persons',
  'person.reveal': 'Reveal full ID data',
  'person.export': 'Export persons',
  'health.read': 'View health data',
  'health.write': 'Record health data',
  'health.manage': 'Organise screening (upload health data, rounds, key persons)',
  'event.read': 'View events',
  'event.handle': 'Handle events',
  'event.dispatch': 'Dispatch events',
  'service.handle': 'Handle resident requests',
  'service.manage': 'Manage service lists',
  'event.configure': 'Configure events',
  'announcement.write': 'Publish announcements',
  'team.manage': 'Manage teams',
  'review.read': 'View performance review',
  'token.manage': 'Manage API tokens',
  'checkpoint.read': 'View checkpoints',
  'checkpoint.check': 'Check at checkpoints',
  'checkpoint.manage': 'Manage checkpoints',
  'pass.issue': 'Issue passes',
  'enterprise.read': 'View resumed enterprises',
  'enterprise.inspect': 'Inspect enterprises',
  'enterprise.manage': 'Handle return-to-work filings',
  'enterprise.configure': 'Configure checklists',
  'certificate.issue': 'Issue certificates',
};

export const departmentCategoriesEn: Readonly<Record<DepartmentCategory, string>> = {
  health: 'Health',
  police: 'Police',
  industry: 'Industry',
  city_management: 'City management',
};

export const personStatusesEn: Readonly<Record<PersonStatus, string>> = {
  active: 'Active',
  departed: 'Departed',
  deceased: 'Deceased',
};

export const tenancyStatusesEn: Readonly<Record<TenancyStatus, string>> = {
  active: 'Active',
  ended: 'Ended',
};

export const accessCodeStatusesEn: Readonly<Record<AccessCodeStatus, string>> = {
  active: 'Active',
  revoked: 'Revoked',
};

export const pendingChangeStatusesEn: Readonly<Record<PendingChangeStatus, string>> = {
  pending: 'Pending',
  confirmed: 'Confirmed',
  rejected: 'Rejected',
};

export const feedBatchStatusesEn: Readonly<Record<FeedBatchStatus, string>> = {
  received: 'Received',
  processing: 'Processing',
  done: 'Done',
  failed: 'Failed',
};

export const inboxStatusesEn: Readonly<Record<InboxStatus, string>> = {
  open: 'Open',
  matched: 'Matched',
  lead: 'Turned into lead',
  dismissed: 'Dismissed',
};

export const roundStatusesEn: Readonly<Record<RoundStatus, string>> = {
  open: 'Open',
  closed: 'Closed',
};

export const keyPersonStatusesEn: Readonly<Record<KeyPersonStatus, string>> = {
  active: 'Active',
  ended: 'Ended',
  transferred: 'Transferred',
};

export const leadStatusesEn: Readonly<Record<LeadStatus, string>> = {
  open: 'Open',
  verified: 'Verified',
};

export const eventStatusesEn: Readonly<Record<EventStatus, string>> = {
  collected: 'Collected',
  registered: 'Registered',
  dispatched: 'Dispatched',
  handling: 'Handling',
  reported: 'To check',
  closed: 'Closed',
  evaluated: 'Evaluated',
  suspended: 'Suspended',
  merged: 'Merged',
  rejected: 'Rejected',
};

export const serviceRequestStatusesEn: Readonly<Record<ServiceRequestStatus, string>> = {
  open: 'Waiting',
  accepted: 'Accepted',
  delivered: 'Delivered',
  closed: 'Closed',
  cancelled: 'Cancelled',
};

export const requestKindsEn: Readonly<Record<RequestKind, string>> = {
  medicine: 'Buy medicine',
  groceries: 'Buy groceries',
  gas: 'Gas delivery',
  doctor_visit: 'Doctor visit',
  transport: 'Transport to care',
  other: 'Other help',
};

export const announcementKindsEn: Readonly<Record<AnnouncementKind, string>> = {
  policy: 'Policy',
  rumour_rebuttal: 'Rumour rebuttal',
  alert: 'Alert',
  notice: 'Notice',
};

export const announcementStatusesEn: Readonly<Record<AnnouncementStatus, string>> = {
  draft: 'Draft',
  published: 'Published',
  withdrawn: 'Withdrawn',
};

export const importStatusesEn: Readonly<Record<ImportStatus, string>> = {
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
};

export const auditActionsEn: Readonly<Record<AuditAction, string>> = {
  'access_code.issue': 'Code issued',
  'access_code.issue_area': 'Codes issued for an area',
  'access_code.labels': 'Door labels printed',
  'access_code.revoke': 'Code revoked',
  'announcement.create': 'Create announcement',
  'announcement.publish': 'Publish announcement',
  'announcement.update': 'Edit announcement',
  'announcement.withdraw': 'Withdraw announcement',
  'area.create': 'Area created',
  'area.import': 'Areas imported',
  'area.move': 'Area moved',
  'area.retire': 'Area retired',
  'area.update': 'Area changed',
  'auth.locale_changed': 'Language changed',
  'auth.locked': 'Account locked',
  'auth.login': 'Signed in',
  'auth.login_failed': 'Sign-in failed',
  'auth.mfa_enrolled': 'Two-step sign-in turned on',
  'auth.mfa_recovery_used': 'Signed in with a recovery code',
  'auth.password_changed': 'Password changed',
  'camera.create': 'Device registered',
  'camera.retire': 'Device retired',
  'camera.token_issue': 'Device token issued',
  'camera.update': 'Device edited',
  'certificate.issue': 'Certificate issued',
  'certificate.pdf': 'Certificate PDF downloaded',
  'certificate.revoke': 'Certificate revoked',
  'checkpoint.check': 'Checkpoint crossing recorded',
  'checkpoint.create': 'Checkpoint registered',
  'checkpoint.duty_sign_in': 'Signed in on duty at a checkpoint',
  'checkpoint.duty_sign_out': 'Signed out of duty at a checkpoint',
  'checkpoint.identify': 'Identified a person at a checkpoint',
  'checkpoint.retire': 'Checkpoint retired',
  'checkpoint.shift.create': 'Shift added',
  'checkpoint.shift.delete': 'Shift removed',
  'checkpoint.update': 'Checkpoint changed',
  'commitment.pdf': 'Commitment letter PDF downloaded',
  'commitment.sign': 'Commitment letter signed',
  'contacts.find': 'Find contacts',
  'contacts.leads': 'Make contact leads',
  'demo.seed': 'Demo data seeded',
  'enterprise.roster.reasons': 'Employee clearance reasons viewed',
  'enterprise_filing.approve': 'Approve return to work',
  'enterprise_filing.commitment_download': 'Download commitment letter',
  'enterprise_filing.document_delete': 'Delete filing document',
  'enterprise_filing.document_upload': 'Upload filing document',
  'enterprise_filing.inspect': 'Record return-to-work inspection',
  'enterprise_filing.return': 'Return filing',
  'enterprise_filing.save': 'Save return-to-work filing',
  'enterprise_filing.sign': 'Sign commitment letter',
  'enterprise_filing.submit': 'Submit return-to-work filing',
  'enterprise_filing.suspend': 'Suspend return to work',
  'event_category.create': 'Add event category',
  'event_category.retire': 'Retire event category',
  'event_category.update': 'Edit event category',
  'health.checkin.proxy': 'Report a check-in for residents',
  'health.checkin.resolve': 'Resolve a check-in message',
  'health.checkin.voice_import': 'Import voice-call check-ins',
  'health.feed.receive': 'Receive health feed',
  'health.import': 'Import health data',
  'health.unmatched.dismiss': 'Dismiss health record',
  'health.unmatched.match': 'Match health record',
  'house.create': 'House added',
  'house.import': 'Houses imported',
  'house.update': 'House changed',
  'inspection.record': 'Enterprise inspection recorded',
  'inspection.round_close': 'Inspection round closed',
  'inspection.round_create': 'Inspection round started',
  'inspection.template_save': 'Inspection checklist saved',
  'key_person.create': 'Add key person',
  'key_person.end': 'End follow-up',
  'key_person.flag': 'Flag returnee',
  'key_person.transfer': 'Transfer key person',
  'key_person.update': 'Change key person',
  'keys.rotate': 'Rotate encryption keys',
  'installation.backup': 'Back up the database',
  'installation.restore': 'Restore the database from a backup',
  'lead.create': 'Create leads',
  'lead.import': 'Import leads',
  'lead.reveal': 'Reveal lead identity',
  'lead.route': 'Route lead',
  'lead.verify': 'Verify lead',
  'notification.preferences.update': 'Change notification settings',
  'pass.apply': 'Pass applied for by a resident',
  'pass.approve': 'Pass approved',
  'pass.issue': 'Pass issued',
  'pass.key_create': 'Pass signing key created',
  'pass.key_rotate': 'Pass signing key rotated',
  'pass.print': 'Pass QR code printed',
  'pass.reject': 'Pass application rejected',
  'pass.revoke': 'Pass revoked',
  'pending_change.confirm': 'Submission confirmed',
  'pending_change.reject': 'Submission rejected',
  'person.call': 'Phone shown to call',
  'person.depart': 'Departure recorded',
  'person.export': 'Persons exported',
  'person.import': 'Persons imported',
  'person.import.rejects': 'Download import rejects (with ID data)',
  'person.lookup': 'Look up person by ID number',
  'person.lookup_refused': 'ID lookup over the limit',
  'person.merge': 'Person merged',
  'person.move': 'Person moved',
  'person.register': 'Person registered',
  'person.reveal': 'Personal data revealed',
  'person.search_number': 'Search persons by ID or phone number',
  'person.update': 'Person changed',
  'place.create': 'Place added',
  'report.daily.export': 'Export daily report',
  'responsibility.create': 'Assign area or household',
  'responsibility.delete': 'Remove area or household assignment',
  'review.export': 'Export performance review',
  'round.close': 'Close screening round',
  'round.create': 'Start screening round',
  'round.export_untested': 'Export the untested list',
  'round.mark': 'Mark untested person',
  'round.rebuild_counters': 'Rebuild coverage counters',
  'round.unmark': 'Remove mark',
  'service_request.accept': 'Accept request',
  'service_request.cancel': 'Cancel request',
  'service_request.close': 'Close request',
  'service_request.contact.reveal': 'Reveal requester phone',
  'service_request.create': 'Create request',
  'service_request.deliver': 'Deliver',
  'service_request.reassign': 'Reassign volunteer',
  'service_resource.create': 'Add list item',
  'service_resource.retire': 'Retire list item',
  'service_resource.update': 'Edit list item',
  'sweep.assign': 'Assign sweep households',
  'sweep.close': 'Close door-to-door sweep',
  'sweep.create': 'Start door-to-door sweep',
  'sweep.visit': 'Record sweep visit',
  'team.create': 'Create team',
  'team.member.remove': 'Remove team member',
  'team.member.set': 'Set team member',
  'team.retire': 'Retire team',
  'team.update': 'Edit team',
  'tenancy.create': 'Lease recorded',
  'token.create': 'API token created',
  'token.revoke': 'API token revoked',
  'unit.create': 'Unit added',
  'unit.import': 'Units imported',
  'unit.retire': 'Unit retired',
  'user.assignment_add': 'Role added',
  'user.assignment_remove': 'Role removed',
  'user.create': 'User created',
  'user.mfa_reset': 'Two-step sign-in reset',
  'user.password_reset': 'Password reset',
  'user.update': 'User changed',
  'vehicle.check': 'Vehicle checked',
  'vehicle.lookup': 'Vehicle looked up',
  'vehicle.trails_import': 'Vehicle trails imported',
  'visit.record': 'Household visit recorded',
  'volunteer.assign': 'Assign volunteer households',
  'volunteer.unassign': 'Unassign volunteer households',
  'work_calendar.delete': 'Remove calendar day',
  'work_calendar.set': 'Set calendar day',
};

export const entityTypesEn: Readonly<Record<EntityType, string>> = {
  access_code: 'Code',
  announcement: 'Announcement',
  api_token: 'API token',
  area: 'Area',
  camera: 'Device',
  certificate: 'Certificate',
  checkin_message: 'Check-in message',
  checkpoint: 'Checkpoint',
  checkpoint_record: 'Checkpoint crossing',
  commitment_letter: 'Commitment letter',
  encryption_key: 'Encryption key',
  enterprise_inspection: 'Enterprise inspection',
  enterprise_filing: 'Return-to-work filing',
  event_category: 'Event category',
  feed_batch: 'Health feed batch',
  health_record: 'Health record',
  house: 'House',
  household_visit: 'Visit',
  import: 'Import',
  installation: 'Installation',
  inspection_round: 'Inspection round',
  inspection_template: 'Inspection checklist',
  key_person: 'Key person',
  lead: 'Lead',
  pass: 'Pass',
  pass_signing_key: 'Pass signing key',
  pending_change: 'Submission',
  person: 'Person',
  place: 'Place',
  report: 'Report',
  responsibility: 'Responsibility',
  review: 'Performance review',
  round_mark: 'Round mark',
  screening_round: 'Screening round',
  service_request: 'Resident request',
  service_resource: 'List item',
  sweep_campaign: 'Door-to-door sweep',
  sweep_household: 'Sweep household',
  team: 'Team',
  tenancy: 'Tenancy',
  unit: 'Unit',
  user: 'User',
  vehicle_trail: 'Vehicle trail',
  work_calendar_day: 'Calendar day',
};

export const systemActorsEn: Readonly<Record<SystemActor, string>> = {
  'system:checkpoint': 'Checkpoint check',
  'system:cli': 'Command-line import',
  'system:demo': 'Demo data',
  'system:enterprise': 'Enterprise (filing code)',
  'system:escalation': 'Automatic escalation',
  'system:health-rules': 'Automatic health rules',
  'system:returnee-scan': 'Automatic returnee scan',
  'system:resident': 'Resident (door code)',
  'system:reporter': 'Reporter',
};

export const checkpointKindsEn: Readonly<Record<CheckpointKind, string>> = {
  traffic: 'Traffic checkpoint',
  compound_gate: 'Compound gate',
  village_entrance: 'Village entrance',
  access_hut: 'Access hut',
  station: 'Station',
};

export const checkpointSubjectsEn: Readonly<Record<CheckpointSubject, string>> = {
  person: 'Person',
  vehicle: 'Vehicle',
};

export const checkpointDirectionsEn: Readonly<Record<CheckpointDirection, string>> = {
  in: 'In',
  out: 'Out',
};

export const checkpointDecisionsEn: Readonly<Record<CheckpointDecision, string>> = {
  allowed: 'Allowed',
  refused: 'Refused',
};

export const checkpointRecordSourcesEn: Readonly<Record<CheckpointRecordSource, string>> = {
  staff: 'Checked by staff',
  device: 'Device read',
};

export const healthVerdictsEn: Readonly<Record<HealthVerdict, string>> = {
  green: 'May pass',
  amber: 'Check further',
  red: 'Must not pass',
};

export const passStatusesEn: Readonly<Record<PassStatus, string>> = {
  pending: 'Pending',
  active: 'Active',
  revoked: 'Revoked',
  rejected: 'Rejected',
};

export const sweepStatusesEn: Readonly<Record<SweepStatus, string>> = {
  open: 'Open',
  closed: 'Closed',
};

export const sweepHouseholdStatesEn: Readonly<Record<SweepHouseholdState, string>> = {
  unvisited: 'Not visited',
  attempted: 'Nobody home',
  visited: 'Visited',
};

export const sweepOutcomesEn: Readonly<Record<SweepOutcome, string>> = {
  visited: 'Visited',
  nobody_home: 'Nobody home',
};

export const sweepSymptomsEn: Readonly<Record<SweepSymptom, string>> = {
  fever: 'Fever',
  cough: 'Cough',
  sore_throat: 'Sore throat',
  fatigue: 'Fatigue',
  short_breath: 'Short of breath',
  taste_smell_loss: 'Loss of taste or smell',
  diarrhoea: 'Diarrhoea',
  other: 'Other complaint',
};
