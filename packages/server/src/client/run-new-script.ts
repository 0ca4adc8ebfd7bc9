/**
 * Browser script of /runs/new (plain ES2020, no build): shows the chosen strategy's params,
 * uploads an optional CSV (raw text/csv), submits the config as a job, polls the job and
 * goes to the new run's page; errors from the server are shown as they come.
 */
export const RUN_NEW_SCRIPT = String.raw`
(function () {
  var form = document.getElementById('new-run-form');
  var base = form.dataset.base;
  var statusEl = document.getElementById('job-status');
  var errorEl = document.getElementById('form-error');
  var strategy = form.elements.namedItem('strategy');
  function showParams() {
    var sets = form.querySelectorAll('fieldset[data-strategy]');
    for (var i = 0; i < sets.length; i++) {
      var on = sets[i].dataset.strategy === strategy.value;
      sets[i].hidden = !on;
      sets[i].disabled = !on;
    }
  }
  strategy.addEventListener('change', showParams);
  showParams();
  function showError(body) {
    errorEl.hidden = false;
    errorEl.textContent = (body.code ? body.code + ': ' : '') + (body.message || String(body)) + (body.details && body.details.key ? ' (' + body.details.key + ')' : '');
    statusEl.textContent = '';
    form.querySelector('button[type=submit]').disabled = false;
  }
  function call(url, init) {
    init.credentials = 'same-origin';
    return fetch(url, init).then(function (res) {
      return res.json().catch(function () { return { code: 'HTTP_' + res.status, message: res.statusText }; }).then(function (body) {
        if (!res.ok) throw body;
        return body;
      });
    });
  }
  function readParams() {
    var params = {};
    var set = form.querySelector('fieldset[data-strategy="' + strategy.value + '"]');
    var inputs = set ? set.querySelectorAll('[data-param]') : [];
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var type = input.dataset.type;
      if (input.value === '' && type !== 'boolean') continue;
      if (type === 'boolean') params[input.dataset.param] = input.checked;
      else if (type === 'number' || type === 'integer') params[input.dataset.param] = Number(input.value);
      else if (type === 'json') params[input.dataset.param] = JSON.parse(input.value);
      else params[input.dataset.param] = input.value;
    }
    return params;
  }
  function poll(url, started) {
    call(url, { headers: { accept: 'application/json' } }).then(function (job) {
      statusEl.textContent = 'Job ' + job.id + ': ' + job.status + (job.status === 'running' ? ' (' + job.step + ')' : '');
      if (job.status === 'succeeded') { window.location.assign(base + '/runs/' + job.runId); return; }
      if (job.status === 'failed') { showError(job.error || { message: 'job failed' }); return; }
      if (Date.now() - started > 10 * 60 * 1000) { showError({ message: 'gave up waiting for the job' }); return; }
      setTimeout(function () { poll(url, started); }, 400);
    }, showError);
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    errorEl.hidden = true;
    form.querySelector('button[type=submit]').disabled = true;
    var config, options;
    try {
      options = JSON.parse(form.elements.namedItem('options').value || '{}');
      var symbols = [];
      var boxes = form.querySelectorAll('input[name=symbols]:checked');
      for (var i = 0; i < boxes.length; i++) symbols.push(boxes[i].value);
      var file = form.elements.namedItem('csv').files[0];
      var uploadSymbol = form.elements.namedItem('uploadSymbol').value.trim();
      if (file && symbols.indexOf(uploadSymbol) < 0) symbols.push(uploadSymbol);
      config = Object.assign({}, options, {
        name: form.elements.namedItem('name').value,
        strategy: { name: strategy.value, params: readParams() },
        symbols: symbols,
        timeframe: form.elements.namedItem('timeframe').value,
        window: { since: form.elements.namedItem('since').value, until: form.elements.namedItem('until').value },
      });
    } catch (err) {
      showError({ code: 'INVALID_INPUT', message: 'options or a parameter is not valid JSON: ' + err.message });
      return;
    }
    var upload = Promise.resolve(undefined);
    if (file) {
      statusEl.textContent = 'Uploading and checking ' + file.name + '…';
      var allowGaps = form.elements.namedItem('allowGaps').checked;
      upload = call(base + '/api/uploads?symbol=' + encodeURIComponent(uploadSymbol) + '&allowGaps=' + allowGaps, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file })
        .then(function (meta) { return meta.id; });
    }
    upload.then(function (uploadId) {
      statusEl.textContent = 'Submitting…';
      var body = { config: config };
      if (uploadId) body.uploadId = uploadId;
      return call(base + '/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    }).then(function (job) { poll(job.statusUrl, Date.now()); }, showError);
  });
})();
`;
