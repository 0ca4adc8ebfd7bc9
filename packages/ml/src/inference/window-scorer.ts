/** Scores one standardized window: a logit before calibration (the pure-JS LSTM or a tfjs model). */
export type WindowScorer = (rows: Float32Array, symbolIndex: number) => number;
