// The server's closed vocabularies (levels, roles, rights, statuses, audit actions…), shared as is:
// the web and the server name the same words from one file, so they cannot drift apart.
export * from '../../../src/core/vocabulary';
