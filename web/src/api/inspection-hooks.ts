// Data hooks of the enterprise inspection pages.
import { api, call } from './client';
import { useResource } from './resource';

export const useDueEnterprises = (roundId: number | undefined, version = 0) =>
  useResource(
    (signal) =>
      call(
        api.GET('/api/enterprise-inspections/due', {
          params: { query: { pageSize: 200, ...(roundId ? { roundId } : {}) } },
          signal,
        }),
      ),
    [roundId, version],
  );

export const useChecklist = (unitId: number) =>
  useResource(
    (signal) =>
      call(api.GET('/api/enterprise-inspections/checklist', { params: { query: { unitId } }, signal })),
    [unitId],
  );

export const useInspectionTemplates = (version = 0) =>
  useResource((signal) => call(api.GET('/api/enterprise-inspections/templates', { signal })), [version]);

export const useInspectionRounds = (status: 'open' | 'closed' | undefined, version = 0) =>
  useResource(
    (signal) =>
      call(
        api.GET('/api/enterprise-inspections/rounds', {
          params: { query: { pageSize: 100, ...(status ? { status } : {}) } },
          signal,
        }),
      ),
    [status, version],
  );

export const useRoundProgress = (id: number | undefined, version = 0) =>
  useResource(
    (signal) =>
      id === undefined
        ? Promise.resolve(undefined)
        : call(
            api.GET('/api/enterprise-inspections/rounds/{id}/progress', { params: { path: { id } }, signal }),
          ),
    [id, version],
  );

export const useRoundUninspected = (id: number | undefined, version = 0) =>
  useResource(
    (signal) =>
      id === undefined
        ? Promise.resolve(undefined)
        : call(
            api.GET('/api/enterprise-inspections/rounds/{id}/uninspected', {
              params: { path: { id }, query: { pageSize: 200 } },
              signal,
            }),
          ),
    [id, version],
  );

export const useRectifications = (query: { status?: 'open' | 'closed'; overdue?: boolean }, version = 0) =>
  useResource(
    (signal) =>
      call(
        api.GET('/api/enterprise-inspections/rectifications', {
          params: { query: { pageSize: 200, ...query } },
          signal,
        }),
      ),
    [JSON.stringify(query), version],
  );
