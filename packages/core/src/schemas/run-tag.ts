import { z } from 'zod';

/**
 * A run tag: short, no spaces. Registry metadata, never part of a run id (`buff runs tag`, a run
 * config's `tags:`).
 * @example TagSchema.parse('baseline') // 'baseline'
 */
export const TagSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'a tag is 1-64 of A-Z a-z 0-9 . _ : -');
export type RunTag = z.infer<typeof TagSchema>;
