/** The two storage engines mzhub runs on. */
export type Engine = 'sqlite' | 'postgres';
