import { AreaLevel, Role } from '../core/closed-schemas.js';
import { type Static, Type } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';

const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD (China time)' });

export const ReviewQuery = Type.Object(
  {
    areaId: Type.Integer({
      minimum: 1,
      maximum: 2147483647,
      description: 'The area reviewed (its whole subtree)',
    }),
    from: { ...DateString, description: 'First day of the period, YYYY-MM-DD (China time)' },
    to: { ...DateString, description: 'Last day of the period, inclusive, YYYY-MM-DD (China time)' },
  },
  { $id: 'ReviewQuery' },
);
export type ReviewQuery = Static<typeof ReviewQuery>;

export const WorkerReviewQuery = Type.Intersect([ReviewQuery, PageQuery], { $id: 'WorkerReviewQuery' });
export type WorkerReviewQuery = Static<typeof WorkerReviewQuery>;

export const ExportLanguage = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]);
export const ReviewExportQuery = Type.Intersect(
  [
    ReviewQuery,
    Type.Object({
      lang: Type.Optional({
        ...ExportLanguage,
        description: 'Header language: zh-CN (default: Chinese with an English second line) or en',
      }),
    }),
  ],
  { $id: 'ReviewExportQuery' },
);
export type ReviewExportQuery = Static<typeof ReviewExportQuery>;

const Minutes = Type.Union([Type.Number(), Type.Null()], {
  description: 'Median in minutes (one decimal); null when no event had both moments',
});

/** The figures both reviews show, for the events handled in the period. */
const Figures = {
  eventsHandled: Type.Integer({
    description: 'Events that reached reported/closed/evaluated in the period and are still there',
  }),
  medianRespondMinutes: { ...Minutes, description: 'Median minutes from dispatch to acceptance' },
  medianCloseMinutes: {
    ...Minutes,
    description: 'Median minutes from creation to closing (closed events only)',
  },
  overdueEvents: Type.Integer({ description: 'Handled events that were escalated for an overdue step' }),
  overdueShare: Type.Union([Type.Number(), Type.Null()], {
    description: 'overdueEvents ÷ eventsHandled (0–1); null when nothing was handled',
  }),
  ratingAverage: Type.Union([Type.Number(), Type.Null()], {
    description: "Average of residents' ratings (1–5, two decimals) of the handled events",
  }),
  ratingCount: Type.Integer(),
  visits: Type.Integer({ description: 'Household visits made in the period' }),
};

export const WorkerReview = Type.Object(
  {
    userId: Type.Integer(),
    username: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Role, { description: 'Roles held in the reviewed subtree' }),
    areas: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() }), {
      description: 'Areas of those role assignments',
    }),
    ...Figures,
  },
  { $id: 'WorkerReview' },
);
export type WorkerReview = Static<typeof WorkerReview>;

const Period = Type.Object({ from: Type.String(), to: Type.String() });
const ReviewedArea = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: AreaLevel,
});

export const WorkerReviewPage = Type.Intersect(
  [Page(WorkerReview), Type.Object({ area: ReviewedArea, period: Period })],
  { $id: 'WorkerReviewPage' },
);
export type WorkerReviewPage = Static<typeof WorkerReviewPage>;

export const AreaReview = Type.Object(
  {
    areaId: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    level: AreaLevel,
    /** The reviewed area itself, for events and visits placed at its own level rather than in a child. */
    ownLevel: Type.Boolean({ description: 'True for the row of events placed on the reviewed area itself' }),
    eventsCreated: Type.Integer({ description: 'Events created in the period' }),
    ...Figures,
  },
  { $id: 'AreaReview' },
);
export type AreaReview = Static<typeof AreaReview>;

export const AreaReviewList = Type.Object(
  {
    area: ReviewedArea,
    period: Period,
    items: Type.Array(AreaReview, {
      description: 'One row per child area (and the own level when it has data)',
    }),
    total: Type.Omit(AreaReview, ['ownLevel'], {
      description: 'The whole subtree; medians over all its events',
    }),
  },
  { $id: 'AreaReviewList' },
);
export type AreaReviewList = Static<typeof AreaReviewList>;
