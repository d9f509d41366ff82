/** The local server every test talks to (trust auth, as on the CI machine). */
export const SERVER_URL = process.env.GOLIVE_TEST_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.GOLIVE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
