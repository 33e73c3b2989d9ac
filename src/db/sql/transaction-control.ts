// The transaction control `Database.script` sends on the client it holds (connection.ts): texts, not statements, as they take no values.
export const beginText = 'begin';
export const commitText = 'commit';
export const rollbackText = 'rollback';
