"""The prompts feature's queries against a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.store import Store
from bot.store.prompt_suggestions import SUGGESTION_RETENTION

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
GUILD = 111
OTHER_GUILD = 222


async def _post(store: Store, prompt_id: str, at: datetime, **kw: object) -> int:
    post = await store.add_prompt_post(
        guild_id=int(kw.get("guild_id", GUILD)),  # type: ignore[call-overload]
        channel_id=5,
        prompt_id=prompt_id,
        category="open",
        depth=str(kw.get("depth", "light")),
        source=str(kw.get("source", "schedule")),
        now=at,
        nonce=kw.get("nonce"),  # type: ignore[arg-type]
    )
    return post.id


async def test_settings_are_created_once_and_ladder_fields_change(store: Store) -> None:
    first = await store.ensure_prompt_settings(GUILD, "light", NOW)
    again = await store.ensure_prompt_settings(GUILD, "deep", NOW + timedelta(days=1))
    assert first == again and first.depth == "light" and first.step_up_after == 3
    changed = await store.update_prompt_ladder(GUILD, NOW, step_up_after=5, max_depth="medium")
    assert changed is not None and changed.step_up_after == 5 and changed.max_depth == "medium"
    with pytest.raises(ValueError):
        await store.update_prompt_ladder(GUILD, NOW, depth="deep")
    await store.set_prompt_depth(GUILD, "medium", NOW + timedelta(days=2))
    moved = await store.get_prompt_settings(GUILD)
    assert moved is not None and moved.depth == "medium"
    assert moved.depth_since == NOW + timedelta(days=2)


async def test_a_nonce_keeps_its_post_and_records_the_prompt_chosen_again(store: Store) -> None:
    first = await _post(store, "open-light-01", NOW, nonce="kd1.20260601")
    again = await store.add_prompt_post(
        guild_id=GUILD,
        channel_id=5,
        prompt_id="listen-deep-02",
        category="listen",
        depth="deep",
        source="schedule",
        now=NOW,
        nonce="kd1.20260601",
    )
    # A redone delivery re-chooses only when the first choice is gone: the post must then
    # record the prompt really sent, not the one chosen before the crash.
    assert again.id == first
    assert (again.prompt_id, again.category, again.depth) == ("listen-deep-02", "listen", "deep")
    assert await store.prompt_post_by_nonce("kd1.20260601") == again
    # /prompt now posts have no nonce and never collide.
    assert await _post(store, "a", NOW, source="now") != await _post(store, "b", NOW, source="now")


async def test_history_is_the_latest_choice_per_prompt_and_per_server(store: Store) -> None:
    await _post(store, "p1", NOW)
    await _post(store, "p1", NOW + timedelta(days=3))
    await _post(store, "p2", NOW + timedelta(days=1))
    await _post(store, "p3", NOW, guild_id=OTHER_GUILD)
    assert await store.prompt_history(GUILD) == {
        "p1": NOW + timedelta(days=3),
        "p2": NOW + timedelta(days=1),
    }


async def test_replies_count_distinct_repliers_and_ladder_posts_filter(store: Store) -> None:
    post_id = await _post(store, "p1", NOW)
    await store.mark_prompt_posted(post_id, message_id=9, channel_id=5, now=NOW)
    await store.set_prompt_thread(post_id, 9)
    for member in ("a", "b", "a", "c", "a"):
        counts = await store.record_prompt_reply(9, member)
    assert counts == (3, 5)
    unposted = await _post(store, "p2", NOW)  # chosen but never posted: not in the ladder
    now_post = await _post(store, "p3", NOW, source="now")
    await store.mark_prompt_posted(now_post, message_id=10, channel_id=5, now=NOW)
    deeper = await _post(store, "p4", NOW, depth="medium")
    await store.mark_prompt_posted(deeper, message_id=11, channel_id=5, now=NOW)
    ladder = await store.ladder_posts(GUILD, "light", NOW)
    assert [p.id for p in ladder] == [post_id] and unposted != post_id
    assert (ladder[0].repliers, ladder[0].replies) == (3, 5)
    assert await store.ladder_posts(GUILD, "light", NOW + timedelta(seconds=1)) == []
    assert await store.prompt_threads_since(NOW) == {9: (GUILD, NOW)}
    # Who replied is forgotten after the counting day; the counts stay.
    assert await store.prune_prompt_repliers(NOW + timedelta(days=1, seconds=1)) == 3
    (kept,) = await store.ladder_posts(GUILD, "light", NOW)
    assert (kept.repliers, kept.replies) == (3, 5)


async def test_suggestions_review_once_and_join_the_server_library(store: Store) -> None:
    s1 = await store.add_suggestion(
        guild_id=GUILD, member_id=7, text="What calms you?", category="support", now=NOW
    )
    s2 = await store.add_suggestion(
        guild_id=GUILD, member_id=8, text="Who taught you?", category="open", now=NOW
    )
    assert await store.count_suggestions_since(GUILD, 7, NOW - timedelta(days=1)) == 1
    pending, count = await store.next_pending_suggestion(GUILD)
    assert pending == s1 and count == 2
    edited = await store.edit_suggestion(s1.id, text="What calms you down?", category="listen")
    assert edited is not None and edited.category == "listen"
    added = await store.approve_suggestion(s1.id, "deep", NOW)
    assert added is not None and added.prompt_id == f"custom-{added.id}"
    assert (added.text, added.category, added.depth) == ("What calms you down?", "listen", "deep")
    assert await store.approve_suggestion(s1.id, "light", NOW) is None  # reviewed once
    assert await store.edit_suggestion(s1.id, text="x" * 20, category="open") is None
    assert await store.reject_suggestion(s2.id, NOW)
    assert not await store.reject_suggestion(s2.id, NOW)
    assert await store.next_pending_suggestion(GUILD) == (None, 0)
    assert [c.id for c in await store.custom_prompts(GUILD)] == [added.id]
    assert await store.custom_prompts(OTHER_GUILD) == []

    # Kept 90 days after review; the approved prompt stays, no longer linked to its author.
    assert await store.prune_suggestions(NOW - timedelta(seconds=1)) == 0
    assert await store.prune_suggestions(NOW + timedelta(days=90, seconds=1)) == 2
    (kept,) = await store.custom_prompts(GUILD)
    assert kept.suggestion_id is None


async def test_forgetting_a_member_and_a_server(store: Store) -> None:
    s = await store.add_suggestion(
        guild_id=GUILD, member_id=7, text="What calms you?", category="support", now=NOW
    )
    await store.approve_suggestion(s.id, "light", NOW)
    await store.add_suggestion(
        guild_id=OTHER_GUILD, member_id=7, text="Pending one?", category="open", now=NOW
    )
    post_id = await _post(store, "p1", NOW)
    await store.set_prompt_thread(post_id, 4242)
    await store.record_prompt_reply(4242, "hash-of-7")
    await store.record_prompt_reply(4242, "hash-of-8")
    assert [x.guild_id for x in await store.suggestions_by_member(7)] == [GUILD, OTHER_GUILD]
    assert await store.forget_prompt_member(7, "hash-of-7") == 4
    assert await store.suggestions_by_member(7) == []
    assert await store.custom_prompts(GUILD) == []

    await store.ensure_prompt_settings(GUILD, "light", NOW)
    assert await store.forget_prompt_guild(GUILD) >= 2
    assert await store.get_prompt_settings(GUILD) is None
    assert await store.prompt_history(GUILD) == {}


async def test_a_reused_post_id_never_counts_replies_from_a_forgotten_servers_thread(
    store: Store,
) -> None:
    old = await _post(store, "p1", NOW)
    await store.mark_prompt_posted(old, message_id=500, channel_id=5, now=NOW)
    await store.set_prompt_thread(old, 500)
    await store.forget_prompt_guild(GUILD)
    # SQLite hands the highest deleted id out again (INTEGER PRIMARY KEY, no AUTOINCREMENT).
    new = await _post(store, "p2", NOW, guild_id=OTHER_GUILD)
    assert new == old
    await store.mark_prompt_posted(new, message_id=600, channel_id=6, now=NOW)
    await store.set_prompt_thread(new, 600)
    assert await store.record_prompt_reply(500, "hash-of-7") == (0, 0)  # the old thread
    assert await store.record_prompt_reply(600, "hash-of-8") == (1, 1)
    (post,) = await store.ladder_posts(OTHER_GUILD, "light", NOW)
    assert (post.repliers, post.replies) == (1, 1)


async def test_a_suggestion_nobody_reviews_is_deleted_90_days_after_it_was_made(
    store: Store,
) -> None:
    old = await store.add_suggestion(
        guild_id=GUILD, member_id=7, text="What calms you?", category="support", now=NOW
    )
    newer = await store.add_suggestion(
        guild_id=GUILD, member_id=8, text="Who taught you?", category="open", now=NOW + DAY
    )
    reviewed = await store.add_suggestion(
        guild_id=OTHER_GUILD, member_id=7, text="What made you laugh?", category="open", now=NOW
    )
    assert await store.reject_suggestion(reviewed.id, NOW + 2 * DAY)
    await store.edit_suggestion(old.id, text="What calms you down?", category="support")
    assert old.kept_until == NOW + SUGGESTION_RETENTION
    assert old.describe()["kept_until"] == (NOW + SUGGESTION_RETENTION).isoformat()

    # The sweep runs with "now - 90 days": made exactly 90 days ago is still kept.
    assert await store.prune_pending_suggestions(NOW) == 0
    assert await store.prune_pending_suggestions(NOW + HOUR) == 1  # an edit is no review
    assert await store.get_suggestion(old.id) is None
    assert await store.next_pending_suggestion(GUILD) == (newer, 1)
    # A reviewed one follows the review's clock, not this rule.
    assert await store.prune_pending_suggestions(NOW + 3 * DAY) == 1
    (kept,) = await store.suggestions_by_member(7)
    assert kept.id == reviewed.id and kept.kept_until == NOW + 2 * DAY + SUGGESTION_RETENTION
