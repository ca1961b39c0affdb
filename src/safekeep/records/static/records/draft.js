// Saves the entry being written as its author types: every few seconds, when something
// has changed, the form is posted to its draft address. A time-out or a dropped connection
// then loses at most those seconds; the page says when it last saved, or that it could not.
// No inline script: the Content-Security-Policy allows only scripts from this site.
const form = document.querySelector("form[data-draft-url]");
if (form) {
  const status = document.getElementById("draft-status");
  const every = 5000;
  let last = new URLSearchParams(new FormData(form)).toString();
  let saving = false;

  const say = (words) => {
    if (status) status.textContent = words;
  };

  const save = async () => {
    const data = new FormData(form);
    const now = new URLSearchParams(data).toString();
    if (saving || now === last) return;
    saving = true;
    try {
      const response = await fetch(form.dataset.draftUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const answer = await response.json();
      last = now;
      say(`Draft saved at ${answer.saved_at}`);
    } catch (error) {
      say("Your draft could not be saved just now. Keep this page open; it will try again.");
    } finally {
      saving = false;
    }
  };

  window.setInterval(save, every);
  window.addEventListener("online", save);
}
