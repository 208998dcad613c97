/* The board's commitments: each commitment drawn with the signing this person may do,
 * and the drafting form. The form is offered only in the draft phase (or while a
 * commitment is edited): under the wall for a commitment from scratch, or as a panel
 * beside a cluster ("Draft a commitment from this cluster", its cards ticked as the
 * sources). A commitment someone else changes while this person edits it is never
 * overwritten: a notice offers Reload or Keep mine. `createCommitments(view)` is
 * called once by render.js with the view's shared parts. */

import { button, el } from "./dom.js";
import { fmt, short } from "./text.js";

export function createCommitments(view) {
  const { T, OFFICIAL, MY_ORGANISATION, state, allowed, maySign, send, $, cardNodes } = view;
  const refreshAll = () => view.refreshAll();
  const themeName = (id) => view.themeName(id);
  const visible = (card) => view.visible(card);
  let commitmentEditor = null; // {id, baseVersion, base, incoming, by}
  let draftSource = null; // the head of the cluster the form drafts from, beside it
  const formHome = $("draft-home");
  const cancelText = $("commitment-cancel").textContent;

  function upsertCommitment(commitment, actor) {
    if (!commitment) return;
    state.commitments.set(commitment.id, commitment);
    if (commitmentEditor?.id === commitment.id) guardCommitment(commitment, actor);
    renderCommitment(commitment);
  }

  function renderCommitment(c) {
    const signedByUs = c.signatures.some((s) => (OFFICIAL ? s.authority : s.organisation.id === MY_ORGANISATION));
    const details = el("dl", { class: "details" });
    const row = (label, value, attributes = {}) => {
      if (value === "" || value === null || value === undefined) return;
      details.append(el("dt", { text: label }), el("dd", { ...attributes, text: value }));
    };
    row(T.lead, c.lead?.name);
    row(T.theme, themeName(c.theme));
    row(T.action, c.action, { class: "prose" });
    row(T.indicator, `${c.indicator.name}: ${c.indicator.baseline} → ${c.indicator.target} ${c.indicator.unit}`);
    row(T.deadline, c.deadline);
    row(T.support, c.support_requested, { class: "prose" });
    row(T.sources, c.source_cards.map((id) => `#${id}`).join(", "));
    const signatures = c.signatures.length
      ? el("ul", { class: "commitment__signatures" }, c.signatures.map((s) => el("li", {
        text: s.person?.name ? `${s.organisation.name} (${s.person.name})` : s.organisation.name,
      })))
      : T.notSigned;
    details.append(el("dt", { text: T.signedBy }), el("dd", {}, [signatures]));
    const actions = el("div", { class: "card__buttons" });
    if (allowed("commitment:update")) {
      actions.append(button("edit-commitment", T.editCommitment, { "data-commitment": c.id }));
    }
    const signer = MY_ORGANISATION || (OFFICIAL && state.board.phase === "sign");
    if (signer && !signedByUs && maySign(c)) {
      const label = OFFICIAL ? T.signAuthority : T.sign;
      actions.append(button("sign", label, { "data-commitment": c.id, class: "primary" }));
    }
    if (signedByUs) {
      const text = OFFICIAL ? T.signedByAuthority : T.signedByYou;
      actions.append(el("p", { class: "commitment__signed", text, tabindex: -1 }));
    }
    const node = el("li", { class: "commitment", id: `commitment-${c.id}`, "data-commitment": c.id }, [
      el("h3", { class: "commitment__title", text: c.title, tabindex: -1 }),
      el("p", {}, [el("span", {
        class: `status status--${String(c.status).replace(/\s+/g, "-")}`,
        text: T.statuses[c.status] || c.status,
      })]),
      details,
      actions,
    ]);
    const old = $(`commitment-${c.id}`);
    const hadFocus = old?.contains(document.activeElement) ? document.activeElement : null;
    if (old) old.replaceWith(node);
    else insertCommitment(node, c.id);
    if (hadFocus) commitmentFocus(node, hadFocus).focus();
  }

  /** Where focus goes in a commitment drawn anew: the same control, or after signing
   * the note that says so, or its title. */
  function commitmentFocus(node, had) {
    const action = had.dataset.action;
    const same = action ? node.querySelector(`[data-action="${action}"]`) : null;
    if (same) return same;
    if (action === "sign") return node.querySelector(".commitment__signed") || node.querySelector("h3");
    return node.querySelector(had.matches(".commitment__signed") ? ".commitment__signed" : "h3") || node.querySelector("h3");
  }

  function insertCommitment(node, id) {
    const list = $("commitment-list");
    const next = [...list.children].find((item) => Number(item.dataset.commitment) > id);
    list.insertBefore(node, next || null);
  }

  // The editor form of commitments: create, or update the one being edited.

  const commitmentForm = $("commitment-form");
  const field = (name) => commitmentForm.elements.namedItem(name);

  function formValues() {
    return {
      title: field("title").value.trim(),
      action: field("action").value.trim(),
      theme: Number(field("theme").value),
      lead: Number(field("lead").value),
      indicator: {
        name: field("indicator-name").value.trim(),
        unit: field("indicator-unit").value.trim(),
        baseline: Number(field("indicator-baseline").value),
        target: Number(field("indicator-target").value),
      },
      deadline: field("deadline").value,
      support_requested: field("support_requested").value.trim(),
      source_cards: [...commitmentForm.querySelectorAll("input[name=source_cards]:checked")]
        .map((box) => Number(box.value)).sort((a, b) => a - b),
    };
  }

  function commitmentValues(c) {
    return {
      title: c.title,
      action: c.action,
      theme: c.theme,
      lead: c.lead.id,
      indicator: { ...c.indicator },
      deadline: c.deadline,
      support_requested: c.support_requested,
      source_cards: [...c.source_cards].sort((a, b) => a - b),
    };
  }

  function fillForm(values) {
    field("title").value = values.title;
    field("action").value = values.action || "";
    field("theme").value = String(values.theme);
    field("lead").value = String(values.lead);
    field("indicator-name").value = values.indicator.name;
    field("indicator-unit").value = values.indicator.unit;
    field("indicator-baseline").value = String(values.indicator.baseline);
    field("indicator-target").value = String(values.indicator.target);
    field("deadline").value = values.deadline;
    field("support_requested").value = values.support_requested || "";
    const sources = new Set(values.source_cards || []);
    renderSourceCards(true);
    for (const box of commitmentForm.querySelectorAll("input[name=source_cards]")) {
      box.checked = sources.has(Number(box.value));
    }
  }

  function editCommitment(id) {
    const commitment = state.commitments.get(id);
    if (!commitment) return;
    putFormHome();
    commitmentEditor = { id, baseVersion: commitment.version, base: commitment, incoming: null, by: null };
    fillForm(commitmentValues(commitment));
    $("commitment-form-title").textContent = fmt(T.editingCommitment, { title: commitment.title });
    $("commitment-cancel").hidden = false;
    renderCommitmentNotice();
    refreshAll();
    field("title").focus();
  }

  function resetCommitmentForm() {
    const from = draftSource;
    const hadFocus = commitmentForm.contains(document.activeElement);
    commitmentEditor = null;
    commitmentForm.reset();
    putFormHome();
    $("commitment-form-title").textContent = T.newCommitment;
    $("commitment-cancel").hidden = true;
    $("commitment-cancel").textContent = cancelText;
    if (from !== null && hadFocus) {
      cardNodes.get(from)?.querySelector('[data-action="draft-from"]')?.focus();
    }
    renderCommitmentNotice();
    refreshAll();
  }

  function sameValues(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function guardCommitment(commitment, actor) {
    const editor = commitmentEditor;
    if (sameValues(commitmentValues(commitment), commitmentValues(editor.base))) {
      editor.baseVersion = commitment.version;
      editor.base = commitment;
      return;
    }
    const dirty = !sameValues(formValues(), commitmentValues(editor.base));
    if (!dirty && !commitmentForm.contains(document.activeElement)) {
      Object.assign(editor, { baseVersion: commitment.version, base: commitment, incoming: null });
      fillForm(commitmentValues(commitment));
      renderCommitmentNotice();
      return;
    }
    editor.incoming = commitment;
    editor.by = actor?.name || T.someone;
    renderCommitmentNotice();
  }

  function commitmentConflict(entry, current) {
    const { commitment: id, version, board, ...values } = entry.payload;
    putFormHome();
    commitmentEditor = {
      id, baseVersion: version, base: state.commitments.get(id) || current, incoming: current, by: T.someone,
    };
    fillForm({ ...commitmentValues(current), ...values });
    $("commitment-form-title").textContent = fmt(T.editingCommitment, { title: current.title });
    $("commitment-cancel").hidden = false;
    renderCommitmentNotice();
    refreshAll();
  }

  function renderCommitmentNotice() {
    const notice = $("commitment-notice");
    const incoming = commitmentEditor?.incoming;
    if (!incoming) {
      notice.hidden = true;
      notice.replaceChildren();
      return;
    }
    notice.replaceChildren(
      el("p", { text: fmt(T.changedBy, { name: commitmentEditor.by }) }),
      el("p", { class: "notice__theirs", text: fmt(T.theirVersion, { text: incoming.title }) }),
      button("commitment-reload", T.reload),
      " ",
      button("commitment-keep-mine", T.keepMine),
    );
    notice.hidden = false;
    notice.setAttribute("role", "alert");
  }

  function submitCommitment(version) {
    const values = formValues();
    if (commitmentEditor) {
      send("commitment:update", { commitment: commitmentEditor.id, version, ...values });
    } else {
      send("commitment:create", values);
    }
    resetCommitmentForm();
  }

  let sourceSignature = "";

  function renderSourceCards(force = false) {
    const list = $("commitment-sources");
    const cards = [...state.cards.values()]
      .filter((card) => visible(card) && !card.merged_into)
      .sort((a, b) => a.id - b.id);
    const signature = cards.map((card) => `${card.id}:${card.version}`).join(",");
    if (!force && signature === sourceSignature) return;
    sourceSignature = signature;
    const checked = new Set([...list.querySelectorAll("input:checked")].map((box) => Number(box.value)));
    list.replaceChildren(...cards.map((card) => el("li", {}, [
      el("input", {
        type: "checkbox", name: "source_cards", value: card.id, id: `source-card-${card.id}`, checked: checked.has(card.id),
      }),
      " ",
      el("label", { for: `source-card-${card.id}`, text: `#${card.id} ${short(card.text)}` }),
    ])));
    if (!cards.length) list.append(el("li", { class: "hint", text: T.noSourceCards }));
  }

  function submitCommitmentForm() {
    submitCommitment(commitmentEditor?.baseVersion);
  }

  function reloadCommitment() {
    const incoming = commitmentEditor?.incoming;
    if (!incoming) return;
    const theirs = state.commitments.get(incoming.id) || incoming;
    Object.assign(commitmentEditor, { baseVersion: theirs.version, base: theirs, incoming: null });
    fillForm(commitmentValues(theirs));
    renderCommitmentNotice();
    field("title").focus();
  }

  function keepMyCommitment() {
    const incoming = commitmentEditor?.incoming;
    if (!incoming || !commitmentForm.reportValidity()) return;
    submitCommitment(Math.max(incoming.version, state.commitments.get(incoming.id)?.version || 0));
  }

  // --- the draft panel beside a cluster ------------------------------------------------

  /** The cards of the cluster headed by `id` that a commitment may come from. */
  function clusterCards(id) {
    return [...state.cards.values()]
      .filter((card) => (card.id === id || card.cluster === id) && visible(card) && !card.merged_into)
      .map((card) => card.id)
      .sort((a, b) => a - b);
  }

  /** Open the form beside the cluster headed by `id`, its cards ticked as sources. */
  function draftFrom(id) {
    const head = state.cards.get(id);
    const node = cardNodes.get(id);
    if (!head || !node || commitmentEditor) return;
    commitmentForm.reset();
    renderSourceCards(true);
    const sources = new Set(clusterCards(id));
    for (const box of commitmentForm.querySelectorAll("input[name=source_cards]")) {
      box.checked = sources.has(Number(box.value));
    }
    if (state.board.themes.some((theme) => theme.id === head.theme)) field("theme").value = String(head.theme);
    draftSource = id;
    node.append(commitmentForm);
    commitmentForm.classList.add("draft-panel--beside");
    $("commitment-form-title").textContent = fmt(T.draftFromCluster, { id });
    const cancel = $("commitment-cancel");
    cancel.textContent = T.cancel;
    cancel.hidden = false;
    refreshAll();
    field("title").focus();
  }

  function putFormHome() {
    draftSource = null;
    commitmentForm.classList.remove("draft-panel--beside");
    if (commitmentForm.parentElement !== formHome) formHome.append(commitmentForm);
  }

  /** Is the form still beside a cluster on the page? (Its card may have gone.) */
  function keepDraftPanel() {
    if (draftSource === null) return;
    const node = cardNodes.get(draftSource);
    if (!node?.isConnected || !state.cards.has(draftSource)) resetCommitmentForm();
  }

  /** The form and the "draft from this cluster" buttons, as the phase allows. */
  function refreshCommitmentForm() {
    const editing = commitmentEditor !== null;
    const drafting = state.board.phase === "draft" && allowed("commitment:create");
    commitmentForm.hidden = !(editing ? allowed("commitment:update") : drafting);
    if (!drafting && draftSource !== null) resetCommitmentForm();
    for (const [id, node] of cardNodes) {
      const control = node.querySelector(':scope > .card__body [data-action="draft-from"]');
      if (!control) continue;
      const card = state.cards.get(id);
      const head = card && !card.cluster && !card.merged_into && clusterCards(id).length > 1;
      control.hidden = !(drafting && head && !editing && draftSource !== id);
    }
  }

  /** Is `node` inside the commitment form? */
  function holds(node) {
    return commitmentForm.contains(node);
  }

  function fieldLabel(name) {
    const named = commitmentForm.elements.namedItem(name.replace(".", "-"));
    const label = named?.labels?.[0]?.textContent;
    return label ? label.trim() : name;
  }

  return {
    upsertCommitment,
    renderCommitment,
    renderSourceCards,
    editCommitment,
    resetCommitmentForm,
    commitmentConflict,
    submitCommitmentForm,
    reloadCommitment,
    keepMyCommitment,
    draftFrom,
    keepDraftPanel,
    refreshCommitmentForm,
    holds,
    fieldLabel,
  };
}
