import type pg from 'pg';

/**
 * Timing and load runs read results only to count them: every value stays
 * the text the server sent, so the client's own parsing (geometries, JSON,
 * numerics) does not end up in the figures.
 */
export const RAW_TYPES = { getTypeParser: () => (value: unknown) => value } as unknown as pg.CustomTypesConfig;
