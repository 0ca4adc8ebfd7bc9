// @ts-check
/**
 * Browser script of /runs/new, served as a file from /assets/run-new.js (the page's CSP allows no
 * inline script). Shows the chosen strategy's params, uploads an optional CSV (raw text/csv), submits
 * the config as a job, polls the job and goes to the new run's page; server errors are shown as they come.
 */

/**
 * An error answer of the API, or one made up here.
 * @typedef {{ code?: string; message?: string; details?: { key?: string } }} ErrorBody
 * @typedef {{ id: string; status: string; step: string; runId?: string; error?: ErrorBody; statusUrl: string }} Job
 */

(() => {
  const form = /** @type {HTMLFormElement} */ (document.getElementById('new-run-form'));
  const base = form.dataset.base ?? '';
  const statusEl = /** @type {HTMLElement} */ (document.getElementById('job-status'));
  const errorEl = /** @type {HTMLElement} */ (document.getElementById('form-error'));
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
  /** @param {string} name */
  const field = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  const strategy = field('strategy');

  function showParams() {
    for (const set of form.querySelectorAll('fieldset[data-strategy]')) {
      if (!(set instanceof HTMLFieldSetElement)) continue;
      const on = set.dataset.strategy === strategy.value;
      set.hidden = !on;
      set.disabled = !on;
    }
  }
  strategy.addEventListener('change', showParams);
  showParams();

  /** @param {ErrorBody} body */
  function showError(body) {
    errorEl.hidden = false;
    const key = body.details?.key ? ` (${body.details.key})` : '';
    errorEl.textContent = `${body.code ? `${body.code}: ` : ''}${body.message || String(body)}${key}`;
    statusEl.textContent = '';
    submit.disabled = false;
  }
  /**
   * @param {string} url
   * @param {RequestInit} init
   * @returns {Promise<any>}
   */
  function call(url, init) {
    return fetch(url, { ...init, credentials: 'same-origin' }).then((res) =>
      res
        .json()
        .catch(() => ({ code: `HTTP_${res.status}`, message: res.statusText }))
        .then((body) => {
          if (!res.ok) throw body;
          return body;
        }),
    );
  }
  function readParams() {
    /** @type {Record<string, unknown>} */
    const params = {};
    const set = form.querySelector(`fieldset[data-strategy="${CSS.escape(strategy.value)}"]`);
    for (const input of set ? set.querySelectorAll('[data-param]') : []) {
      if (!(input instanceof HTMLInputElement || input instanceof HTMLSelectElement)) continue;
      const name = input.dataset.param ?? '';
      const type = input.dataset.type;
      if (type === 'boolean') params[name] = input instanceof HTMLInputElement && input.checked;
      else if (input.value === '') continue;
      else if (type === 'number' || type === 'integer') params[name] = Number(input.value);
      else if (type === 'json') params[name] = JSON.parse(input.value);
      else params[name] = input.value;
    }
    return params;
  }
  /**
   * @param {string} url
   * @param {number} started
   */
  function poll(url, started) {
    call(url, { headers: { accept: 'application/json' } }).then(
      /** @param {Job} job */ (job) => {
        statusEl.textContent = `Job ${job.id}: ${job.status}${job.status === 'running' ? ` (${job.step})` : ''}`;
        if (job.status === 'done') return window.location.assign(`${base}/runs/${job.runId}`);
        if (job.status === 'failed') return showError(job.error || { message: 'job failed' });
        if (Date.now() - started > 10 * 60 * 1000) return showError({ message: 'gave up waiting for the job' });
        setTimeout(() => poll(url, started), 400);
      },
      showError,
    );
  }
  /** The run config from the form (the options JSON with the form's fields over it). */
  function readConfig() {
    const options = JSON.parse(field('options').value || '{}');
    const symbols = [...form.querySelectorAll('input[name=symbols]:checked')].map(
      (box) => /** @type {HTMLInputElement} */ (box).value,
    );
    const file = field('csv').files?.[0];
    const uploadSymbol = field('uploadSymbol').value.trim();
    if (file && !symbols.includes(uploadSymbol)) symbols.push(uploadSymbol);
    const config = {
      ...options,
      name: field('name').value,
      strategy: { name: strategy.value, params: readParams() },
      symbols,
      timeframe: field('timeframe').value,
      window: { since: field('since').value, until: field('until').value },
    };
    // a config's `tags:` (registry metadata; the server checks each one, naming tags.N)
    const tags = field('tags')
      .value.split(/[\s,]+/)
      .filter(Boolean);
    if (tags.length > 0) Object.assign(config, { tags });
    return { config, file, uploadSymbol };
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    errorEl.hidden = true;
    submit.disabled = true;
    /** @type {ReturnType<typeof readConfig>} */
    let read;
    try {
      read = readConfig();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return showError({ code: 'INVALID_INPUT', message: `options or a parameter is not valid JSON: ${message}` });
    }
    const { config, file, uploadSymbol } = read;
    /** @type {Promise<string | undefined>} */
    let upload = Promise.resolve(undefined);
    if (file) {
      statusEl.textContent = `Uploading and checking ${file.name}…`;
      const zone = field('timezone').value.trim();
      const query = `symbol=${encodeURIComponent(uploadSymbol)}&allowGaps=${field('allowGaps').checked}&timestampFormat=${encodeURIComponent(field('timestampFormat').value)}${zone ? `&timezone=${encodeURIComponent(zone)}` : ''}`;
      upload = call(`${base}/api/uploads?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: file,
      }).then((meta) => meta.id);
    }
    upload
      .then((uploadId) => {
        statusEl.textContent = 'Submitting…';
        const body = uploadId ? { config, uploadId } : { config };
        return call(`${base}/api/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      })
      .then((job) => poll(job.statusUrl, Date.now()), showError);
  });
})();
