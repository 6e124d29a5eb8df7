// Emptied: the community-service pages call the typed client (api.GET/POST… in client.ts) with the
// generated types of model.ts. The last migrator deletes this file.
export {};
