// A one-page call-centre console for the sandbox: see orders, change their status and comment.

export const callCentrePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SalesRender sandbox: call centre</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2330; }
  h1 { font-size: 1.3rem; } table { border-collapse: collapse; width: 100%; }
  th, td { border-bottom: 1px solid #dde; padding: .4rem; text-align: left; vertical-align: top; }
  input[type=text] { width: 16rem; } .muted { color: #667; } button { cursor: pointer; }
</style>
</head>
<body>
<h1>SalesRender sandbox: call centre</h1>
<p class="muted">Change an order's status as an operator would; the sandbox then fires its webhook.
Company: <select id="company"></select> <button id="reload">Reload</button></p>
<table>
  <thead><tr><th>Order</th><th>Created</th><th>Phone</th><th>Name</th><th>Status</th><th>Comment</th><th>Change</th></tr></thead>
  <tbody id="orders"></tbody>
</table>
<script>
const $ = (selector) => document.querySelector(selector);
let statuses = [];
function text(value) { const span = document.createElement('span'); span.textContent = value ?? ''; return span.innerHTML; }
async function loadCompanies() {
  const companies = await (await fetch('/__sandbox/companies')).json();
  $('#company').innerHTML = companies.map((c) => '<option>' + text(c.id) + '</option>').join('');
  statuses = Object.fromEntries(companies.map((c) => [c.id, c.statuses]));
  await loadOrders();
}
async function loadOrders() {
  const company = $('#company').value;
  const orders = await (await fetch('/__sandbox/companies/' + company + '/orders')).json();
  const options = statuses[company].filter((s) => !s.archived)
    .map((s) => '<option value="' + text(s.id) + '">' + text(s.id + ' ' + s.name + ' (' + s.group + ')') + '</option>').join('');
  $('#orders').innerHTML = orders.reverse().map((o) => {
    const comment = (o.data.stringFields.find((f) => f.field.name === 'comment') || {}).value;
    const phone = (o.data.phoneFields[0] || {}).value;
    const name = (o.data.humanNameFields[0] || {}).value;
    return '<tr><td>' + text(o.id) + '</td><td>' + text(o.createdAt) + '</td><td>' + text(phone && phone.raw) +
      '</td><td>' + text(name && [name.firstName, name.lastName].join(' ')) + '</td><td>' + text(o.status.id + ' ' + o.status.name) +
      '</td><td>' + text(comment) + '</td><td><form data-order="' + text(o.id) + '"><select name="statusId">' + options +
      '</select> <input type="text" name="comment" placeholder="comment" aria-label="comment"> <button>Save</button></form></td></tr>';
  }).join('');
}
document.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = { statusId: form.statusId.value };
  if (form.comment.value) body.comment = form.comment.value;
  await fetch('/__sandbox/companies/' + $('#company').value + '/orders/' + form.dataset.order + '/status',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await loadOrders();
});
$('#reload').addEventListener('click', loadOrders);
$('#company').addEventListener('change', loadOrders);
loadCompanies();
</script>
</body>
</html>`;
