/** The source of "now", passed in so tests and the scheduler can control time. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
