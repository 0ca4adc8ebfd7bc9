// @ts-check
/**
 * Browser script of /runs, served from /assets/runs-list.js: the Compare button is enabled once two
 * or more runs are ticked and opens /compare?runs=a,b (the ids comma-joined, as the compare page
 * reads them). Without script the form still submits `runs=a&runs=b`.
 */
(() => {
  const form = document.getElementById('compare-form');
  const button = document.getElementById('compare-button');
  if (!(form instanceof HTMLFormElement) || !(button instanceof HTMLButtonElement)) return;
  const boxes = () =>
    /** @type {HTMLInputElement[]} */ (Array.from(document.querySelectorAll('input[name=runs][form=compare-form]')));
  const update = () => {
    const n = boxes().filter((b) => b.checked).length;
    button.disabled = n < 2;
    button.textContent = n >= 2 ? `Compare ${n} runs` : 'Compare selected';
  };
  for (const box of boxes()) box.addEventListener('change', update);
  update();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const ids = boxes()
      .filter((b) => b.checked)
      .map((b) => b.value);
    if (ids.length < 2) return;
    window.location.assign(`${form.dataset.compareUrl ?? 'compare'}?runs=${ids.map(encodeURIComponent).join(',')}`);
  });
})();
