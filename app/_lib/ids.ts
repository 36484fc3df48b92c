/** Run ids are UUIDs; anything else in a run address is a 404 without asking the API. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "3f2a9c1e-…" → "3f2a…", for titles and link previews. */
export const shortId = (id: string) => `${id.slice(0, 4)}…`;
