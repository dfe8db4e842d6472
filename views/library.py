"""Library: save, open, rename, duplicate, delete/undelete, history with restore, share links."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from core.i18n import t
from core.present.formatting import day_text
from core.present.solve import target_text
from core.storage.store import LOCAL, NOTE_LENGTH, ROLES, ShareLink, StoreError
from ui.auth import identity
from ui.cached import store
from ui.links import MADE, local_link_note, share_link
from ui.saving import run, save_controls, workspace_name, workspace_picker
from ui.session import current_scenario, lang
from ui.solve import chosen_target
from ui.unsaved import open_scenario
from ui.widgets import plain, seeded

scenario = current_scenario()
db = store()
st.title(t("library.title", lang()))
who = identity()
if who is None:  # a share-link guest never reaches saved scenarios (the page is not in its navigation either)
    st.info(t("library.no_access", lang()))
    st.stop()
st.caption(t("library.intro", lang()))
space = workspace_picker(who)
opened = st.session_state.get("library")


def open_revision(scenario_id: int, number: int | None = None) -> None:
    revision = db.current(who, scenario_id) if number is None else db.revision(who, scenario_id, number)
    if open_scenario(revision.scenario, None, library=(scenario_id, revision.number, revision.name)):
        st.session_state["library.message"] = ("success", t("library.opened", lang(), name=plain(revision.name),
                                                            number=revision.number))


def save_note(scenario_id: int) -> None:
    """The note form's submit: the text as the form sent it, with the click."""
    run(db.set_note, who, scenario_id, st.session_state[f"library.note.{scenario_id}"])


def member_name(user: str) -> str:
    """A member as the table names them; local mode's one user in the reader's language."""
    return t("library.local_member", lang()) if user == LOCAL.user else user


def link_state(link: ShareLink, now: datetime) -> str:
    return "revoked" if link.revoked_at else "locked" if link.locked_at else "active" if link.active(now) else "expired"


# --- save the scenario every page is showing
with st.container(border=True):
    st.subheader(t("library.save", lang()))
    save_controls(who, scenario)

# --- who shares this workspace
with st.expander(t("library.members", lang(), workspace=plain(workspace_name(space)))):
    members = db.members(who, space.id)
    st.dataframe(pd.DataFrame({t("library.col.member", lang()): [member_name(m) for m in members],
                               t("library.col.role", lang()): [t(f"library.role.{r}", lang()) for r in members.values()]}),
                 hide_index=True)
    if space.role == "owner":
        left, middle, right = st.columns([3, 2, 1])
        email = left.text_input(t("library.member_email", lang()), key="library.member_email", max_chars=320)
        roles = {r: t(f"library.role.{r}", lang()) for r in (*ROLES, "remove")}
        role = middle.selectbox(t("library.col.role", lang()), list(roles), key="library.member_role", format_func=roles.get)
        right.button(t("library.member_set", lang()), key="library.member_set", on_click=run,
                     args=(db.set_member, who, space.id, email, None if role == "remove" else role),
                     disabled=not email.strip())
    else:
        st.caption(t("library.members_owner_only", lang()))

# --- what is saved
show_deleted = st.toggle(t("library.show_deleted", lang()), key="library.show_deleted")
saved = db.list_scenarios(who, space.id, include_deleted=show_deleted)
if not saved:
    st.info(t("library.empty", lang()))
    st.stop()
st.dataframe(pd.DataFrame({
    t("library.col.name", lang()): [r.name for r in saved],
    t("library.col.revision", lang()): [r.number for r in saved],
    t("library.col.changed", lang()): [r.created_at.strftime("%Y-%m-%d %H:%M") for r in saved],
    t("library.col.last", lang()): [t(f"library.action.{r.action}", lang()) for r in saved],
    t("library.col.deleted", lang()): [t("unit.yes" if r.deleted else "unit.no", lang()) for r in saved],
}), hide_index=True)

ids = [r.scenario_id for r in saved]
names = {r.scenario_id: r.name for r in saved}
sid = st.selectbox(t("library.pick", lang()), ids, format_func=lambda i: f"{names[i]} (#{i})", key="library.pick")
current = db.current(who, sid)

cols = st.columns(4)
cols[0].button(t("library.open", lang()), key="library.open", on_click=open_revision, args=(sid,), type="primary")
cols[1].button(t("library.duplicate", lang()), key="library.duplicate", on_click=run, args=(db.duplicate, who, sid))
if current.deleted:
    cols[2].button(t("library.undelete", lang()), key="library.undelete", on_click=run, args=(db.undelete, who, sid))
else:
    cols[2].button(t("library.delete", lang()), key="library.delete", on_click=run, args=(db.delete, who, sid))
with cols[3].popover(t("library.rename", lang())):
    renamed = f"library.new_name.{sid}"
    new_name = st.text_input(t("library.name", lang()), max_chars=120, key=renamed, **seeded(renamed, current.name))
    st.button(t("library.rename", lang()), key="library.rename_go", on_click=run, args=(db.rename, who, sid, new_name))

with st.expander(t("library.history", lang())):
    history = db.history(who, sid)
    st.dataframe(pd.DataFrame({
        t("library.col.revision", lang()): [r.number for r in history],
        t("library.col.last", lang()): [t(f"library.action.{r.action}", lang()) for r in history],
        t("library.col.name", lang()): [r.name for r in history],
        t("library.col.changed", lang()): [r.created_at.strftime("%Y-%m-%d %H:%M:%S") for r in history],
    }), hide_index=True)
    number = st.selectbox(t("library.revision", lang()), [r.number for r in history], key="library.revision")
    left, right = st.columns(2)
    left.button(t("library.open_revision", lang()), key="library.open_revision", on_click=open_revision, args=(sid, number))
    right.button(t("library.restore", lang(), number=number), key="library.restore", on_click=run,
                 args=(db.restore, who, sid, number), disabled=number == current.number)

with st.expander(t("library.note", lang()), expanded=bool(note := db.note(who, sid))):
    st.caption(t("library.note_intro", lang()))
    with st.form(f"library.note_form.{sid}", border=False):  # the text reaches the server with the click: one click saves
        st.text_area(t("library.note", lang()), note, max_chars=NOTE_LENGTH, key=f"library.note.{sid}",
                     label_visibility="collapsed")
        st.form_submit_button(t("library.note_save", lang()), key="library.note_save", on_click=save_note, args=(sid,))

made = st.session_state.get(MADE)  # (scenario id, address, expiry): shown on this visit only (ui.links.forget_made_link)
with st.expander(t("library.share", lang()), expanded=made is not None and made[0] == sid):
    st.caption(t("library.share_intro", lang()))
    left, right = st.columns(2)
    label = left.text_input(t("library.share_label", lang()), max_chars=120, key="library.share_label",
                            placeholder=t("library.share_label_hint", lang()))
    passcode = right.text_input(t("library.share_passcode", lang()), max_chars=128, type="password",
                                key="library.share_passcode", help=t("library.share_passcode_help", lang()))
    left, right = st.columns(2)
    days = left.slider(t("library.share_days", lang()), 1, 90, 30, key="library.share_days")
    downloads = right.toggle(t("library.share_downloads", lang()), key="library.share_downloads")
    wanted = chosen_target(current.scenario)
    show_target = st.toggle(t("library.share_solve", lang(), target=target_text(wanted, current.scenario, lang())),
                            key="library.share_solve")
    if st.button(t("library.share_create", lang(), number=current.number), key="library.share_create"):
        try:
            token, link = db.share(who, sid, current.number, days=days, lang=lang(), label=label,
                                   passcode=passcode or None, downloads=downloads,
                                   target=wanted.code if show_target else None)
        except StoreError as exc:
            st.error(exc.localized(lang()))
        else:
            made = st.session_state[MADE] = (sid, share_link(token), link.expires_at)
    if made is not None and made[0] == sid:  # the one visit the address can be seen: it stays through other clicks
        st.success(t("library.share_made", lang(), date=day_text(made[2], lang())))
        st.code(made[1], language=None)
        if (where := local_link_note(made[1])) is not None:
            st.warning(where, icon=":material/lan:")
    links = db.links(who, sid)
    if links:
        now = datetime.now(UTC)
        st.dataframe(pd.DataFrame({
            t("library.col.recipient", lang()): [x.label or "—" for x in links],
            t("library.col.revision", lang()): [x.number for x in links],  # what it shows: its revision, note, actuals
            t("library.col.state", lang()): [t(f"library.link.{link_state(x, now)}", lang()) for x in links],
            t("library.col.opens", lang()): [x.opens for x in links],
            t("library.col.failures", lang()): [x.failures for x in links],
            t("library.col.last_opened", lang()): [x.last_opened_at.strftime("%Y-%m-%d %H:%M") if x.last_opened_at
                                                   else "—" for x in links],
            t("library.col.made", lang()): [x.created_at.strftime("%Y-%m-%d") for x in links],
            t("library.col.expires", lang()): [x.expires_at.strftime("%Y-%m-%d") for x in links],
            t("library.col.protect", lang()): [" · ".join(filter(None, (
                t("library.link.passcode", lang()) if x.passcode else "",
                t("library.link.downloads", lang()) if x.downloads else ""))) or "—" for x in links],
        }), hide_index=True)
        live = {x.id: x.label or f"#{x.id}" for x in links if x.revoked_at is None}
        if live:
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            pick = left.selectbox(t("library.revoke_pick", lang()), list(live), format_func=live.__getitem__,
                                  key="library.revoke_pick")
            right.button(t("library.revoke", lang()), key="library.revoke", on_click=run, args=(db.revoke, who, pick))
