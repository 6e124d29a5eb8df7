// The services pages' messages (Chinese, the source); spread into zh-CN.ts. Keys start with a page prefix.
export const servicesZhCN = {} as const;
