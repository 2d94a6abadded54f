/** What an id of this API looks like; anything else is refused before reaching the database. */
export const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
