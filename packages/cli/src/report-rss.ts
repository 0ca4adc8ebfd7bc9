/**
 * With BUFF_REPORT_RSS=1, writes the process's peak resident set size to stderr
 * (`maxRSS 123.4 MB`): the benchmarks and the bounded-memory tests read it on machines without
 * /usr/bin/time.
 * @example reportMaxRss(); // stderr: maxRSS 87.2 MB
 */
export function reportMaxRss(): void {
  if (process.env.BUFF_REPORT_RSS === '1')
    process.stderr.write(`maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB\n`);
}
