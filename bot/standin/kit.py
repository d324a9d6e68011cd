"""The test kit: a stand-in Discord plus the actions of the people using it.

async with StandIn(message_content=True) as standin:
    guild = standin.add_guild("Sample")
    channel = guild.add_text_channel("general")
    alice = guild.add_member("alice")
    async with standin.running(bot):
        it = await standin.slash(alice, channel, "kindred status")
        assert (await it.response())["type"] == 4
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import discord

from bot.standin import kit_files, kit_options, schemas
from bot.standin.attachments import Cdn, upload_limit
from bot.standin.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Interaction,
    interaction_payload,
    new_token,
)
from bot.standin.kit_files import Files
from bot.standin.messages import attachments_from, build_message, rest_message
from bot.standin.rest_base import Call
from bot.standin.rest_channels import react
from bot.standin.server import StandInServer
from bot.standin.world import DEFAULT_EVERYONE, Channel, Guild, Member, User

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound=discord.Client)
Place = Channel | int
Actor = Member | User


class StandIn(StandInServer):
    """A local fake Discord with the actions tests need. See docs/standin.md."""

    async def __aenter__(self) -> StandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # The world --------------------------------------------------------------------------

    def add_guild(
        self,
        name: str,
        *,
        bot_permissions: int = DEFAULT_EVERYONE,
        joined: bool = True,
        owner_name: str | None = None,
    ) -> Guild:
        """A guild with its owner and the bot (its managed role has `bot_permissions`).

        With `joined=False` the bot is not in it yet: build its channels and members, then
        `join_guild` sends the full GUILD_CREATE, as when someone adds the bot to a server."""
        guild = self.world.add_guild(
            name, bot_permissions=bot_permissions, joined=joined, owner_name=owner_name
        )
        if joined and self.gateway.sessions:
            self.join_guild(guild)
        return guild

    def join_guild(self, guild: Guild) -> None:
        """The bot is added to `guild`: GUILD_CREATE (discord.py's on_guild_join)."""
        guild.joined = True
        data = guild.create_json()
        # A join's GUILD_CREATE has no `unavailable` key; discord.py reads its absence as a join.
        del data["unavailable"]
        self.dispatch("GUILD_CREATE", data)

    def remove_bot(self, guild: Guild) -> None:
        """The bot is kicked from `guild`: GUILD_DELETE (discord.py's on_guild_remove)."""
        guild.joined = False
        self.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)})
        self._poke()

    def add_user(self, name: str, *, dms_open: bool = True) -> User:
        """A user in no guild the bot shares, for DM-only scenarios."""
        return self.world.add_user(name, dms_open=dms_open)

    def channel(self, channel_id: int) -> Channel:
        found = self.world.channel(int(channel_id))
        if found is None:
            raise LookupError(f"no channel {channel_id}")
        return found

    def dm_channel(self, who: Actor) -> Channel:
        return self.world.dm_channel(_user(who))

    def threads_of(self, channel: Place) -> list[Channel]:
        parent = self._place(channel)
        assert parent.guild is not None
        return [t for t in parent.guild.threads if t.parent is parent]

    @property
    def schema_violations(self) -> list[schemas.SchemaViolation]:
        """Request bodies that broke Discord's OpenAPI description (each answered 400 50035).
        The test fixtures fail a test that leaves one here; a test expecting one clears it."""
        return schemas.violations(self)

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """The commands last synced globally, or for `guild`."""
        return list(self.command_sets.get(guild.id if guild else None, []))

    def _place(self, place: Place) -> Channel:
        return place if isinstance(place, Channel) else self.channel(place)

    # Running a bot ----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(
        self, bot: ClientT, *, timeout: float = 10.0, fast_ready: bool = True
    ) -> AsyncIterator[ClientT]:
        """Start `bot` against the stand-in, wait until it is ready with every guild, and close
        it cleanly on exit. `fast_ready` shortens discord.py's 2 s wait for GUILD_CREATEs."""
        with self.patch_discord():
            if fast_ready:
                bot._connection.guild_ready_timeout = min(bot._connection.guild_ready_timeout, 0.05)
            task = asyncio.create_task(bot.start(self.token), name="standin-bot")
            ready = asyncio.create_task(bot.wait_until_ready())
            try:
                done, _ = await asyncio.wait(
                    {task, ready}, timeout=timeout, return_when="FIRST_COMPLETED"
                )
                if task in done:
                    task.result()  # raises the bot's failure (e.g. PrivilegedIntentsRequired)
                    raise RuntimeError("the bot stopped before it was ready")
                if ready not in done:
                    raise TimeoutError(f"the bot was not ready within {timeout}s")
                yield bot
            finally:
                ready.cancel()
                await bot.close()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(task, timeout=5)

    async def drop_gateway(self, code: int | None = 4000) -> None:
        """Cut the bot's gateway connection (close `code`, or abruptly with None); discord.py
        reconnects and RESUMEs, and events dispatched meanwhile are replayed."""
        await self.gateway.drop(code)

    async def invalidate_session(self) -> None:
        """Invalidate the bot's session (op 9): it identifies again and gets a fresh READY."""
        await self.gateway.invalidate()

    async def request_reconnect(self) -> None:
        """Ask the bot to reconnect (op 7), as Discord does before restarting a gateway node."""
        await self.gateway.request_reconnect()

    async def wait_resumed(self, count: int = 1, timeout: float = 5) -> None:
        await self.wait_until(
            lambda: self.gateway.resumes >= count and self.gateway.connected, timeout
        )

    # Interactions -----------------------------------------------------------------------

    def _interaction(
        self,
        kind: int,
        who: Actor,
        place: Place | None,
        data: dict[str, Any],
        message: dict[str, Any] | None = None,
    ) -> Interaction:
        user = _user(who)
        channel = self._place(place) if place is not None else self.world.dm_channel(user)
        member = None
        if channel.guild is not None:
            member = channel.guild.members.get(user.id)
            if member is None:
                raise LookupError(f"{user.name} is not a member of {channel.guild.name}")
        it = Interaction(
            id=self.world.ids.next(),
            token=new_token(),
            type=kind,
            channel=channel,
            user=user,
            member=member,
            payload={},
            created=asyncio.get_running_loop().time(),
            deadline=self.interaction_deadline,
            message=message,
        )
        it.payload = interaction_payload(self.world, it, data)
        self.interactions[it.id] = it
        self.interactions_by_token[it.token] = it
        self.dispatch("INTERACTION_CREATE", it.payload)
        return it

    def _command(
        self,
        who: Actor,
        place: Place | None,
        name: str,
        options: dict[str, Any] | None,
        focused: str | None,
    ) -> tuple[Channel | None, dict[str, Any]]:
        channel = self._place(place) if place is not None else None
        guild_id = channel.guild.id if channel is not None and channel.guild is not None else None
        top, *path = name.split()
        command = kit_options.find_command(self.command_sets, guild_id, top)
        actor = None
        if channel is not None and channel.guild is not None:
            actor = channel.guild.members.get(_user(who).id)
            if actor is None:
                raise LookupError(f"{_user(who).name} is not a member of {channel.guild.name}")
        kit_options.check_available(command, actor, channel)
        data = kit_options.command_data(
            command, path, dict(options or {}), actor=actor, channel=channel, focused=focused
        )
        return channel, data

    async def slash(
        self, who: Actor, place: Place | None, name: str, options: dict[str, Any] | None = None
    ) -> Interaction:
        """Run a slash command as `who` in `place` ("group sub" for subcommands). Option values
        may be world objects (channel, role, member/user); they are put in `data.resolved`."""
        channel, data = self._command(who, place, name, options, None)
        return self._interaction(APPLICATION_COMMAND, who, channel, data)

    async def autocomplete(
        self,
        who: Actor,
        place: Place | None,
        name: str,
        options: dict[str, Any],
        focused: str,
        *,
        timeout: float = 5,
    ) -> list[dict[str, Any]]:
        """The choices the bot offers for the `focused` option, given what is typed so far."""
        channel, data = self._command(who, place, name, options, focused)
        it = self._interaction(AUTOCOMPLETE, who, channel, data)
        await it.response(timeout)
        return it.choices or []

    async def click(
        self,
        who: Actor,
        message: dict[str, Any],
        custom_id: str,
        *,
        values: list[str] | None = None,
    ) -> Interaction:
        """Press a button (or pick `values` in a select) on a message in a channel or a DM."""
        current = self.find_message(message)
        if current is None:
            raise LookupError(
                f"message {message.get('id')} was never sent by the stand-in; click a message "
                "from standin.messages(...), standin.dms(...), it.original() or it.followup()"
            )
        component = kit_options.find_component(current, custom_id)
        data = kit_options.component_data(component, values)
        place = self.channel(int(current["channel_id"]))
        return self._interaction(
            MESSAGE_COMPONENT, who, place, data, message=rest_message(current, self.world)
        )

    async def submit_modal(
        self,
        who: Actor,
        place: Place | None,
        custom_id: str,
        values: dict[str, str],
        *,
        message: dict[str, Any] | None = None,
    ) -> Interaction:
        """Submit a modal the bot opened (callback 9) with `values` by text-input custom_id;
        `message` is the message whose component opened it, if any."""
        modal = self.modals.get(custom_id)
        if modal is None:
            raise LookupError(
                f"the bot never opened a modal {custom_id!r} (opened: {sorted(self.modals)})"
            )
        data = {"custom_id": custom_id, "components": kit_options.modal_components(modal, values)}
        current = (self.find_message(message) or message) if message is not None else None
        return self._interaction(
            MODAL_SUBMIT,
            who,
            place,
            data,
            message=rest_message(current, self.world) if current else None,
        )

    # People talking ---------------------------------------------------------------------

    async def post(
        self,
        who: Actor,
        place: Place,
        text: str = "",
        *,
        reply_to: dict[str, Any] | None = None,
        files: Files | None = None,
    ) -> dict[str, Any]:
        """`who` posts `text` in a channel or thread, with `files` as attachments (each
        `(filename, data)` or `(filename, data, content_type)`); dispatches MESSAGE_CREATE."""
        channel = self._place(place)
        payload: dict[str, Any] = {"content": text}
        if reply_to is not None:
            payload["message_reference"] = {"message_id": reply_to["id"]}
        return self._person_message(who, channel, payload, files)

    async def dm(self, who: Actor, text: str = "", *, files: Files | None = None) -> dict[str, Any]:
        """`who` sends the bot a DM, with `files` as in `post`."""
        channel = self.world.dm_channel(_user(who))
        return self._person_message(who, channel, {"content": text}, files)

    def _person_message(
        self, who: Actor, channel: Channel, payload: dict[str, Any], files: Files | None
    ) -> dict[str, Any]:
        uploads = kit_files.uploads(files or [], upload_limit(channel))
        if not payload["content"] and not uploads:
            raise ValueError("the Discord client sends no empty message: give text or files")
        attachments = attachments_from(self.world, channel, payload, uploads)
        message = build_message(self.world, channel, _user(who), payload, attachments=attachments)
        return self.add_message(channel, message)

    async def react(
        self, who: Actor, message: dict[str, Any], emoji: str, *, add: bool = True
    ) -> None:
        """`who` adds (or removes) a reaction; dispatches MESSAGE_REACTION_ADD/REMOVE."""
        current = self.find_message(message) or message
        react(self, self.channel(int(current["channel_id"])), current, _user(who).id, emoji, add)

    def attachment_bytes(self, attachment: dict[str, Any]) -> bytes:
        """The content of an uploaded attachment (an attachment dict from a message)."""
        return self.world.cdn.files[str(attachment["id"])].data

    @property
    def cdn(self) -> Cdn:
        """The attachment store and CDN: `cdn.advance(seconds)` to let URLs expire,
        `cdn.downloads` the `(path, status)` of every download."""
        return self.world.cdn

    def messages(self, place: Place) -> list[dict[str, Any]]:
        """Messages now in a channel or thread, oldest first."""
        return list(self._place(place).messages)

    def dms(self, who: Actor) -> list[dict[str, Any]]:
        """What the bot sent `who` by DM, oldest first."""
        bot_id = str(self.world.bot.id)
        return [m for m in self.dm_channel(who).messages if m["author"]["id"] == bot_id]

    async def wait_for_message(
        self,
        place: Place,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 15,
    ) -> dict[str, Any]:
        """The first message in `place` (already there or yet to come) matching `predicate`;
        without one, the first message from the bot."""
        channel = self._place(place)
        bot_id = str(self.world.bot.id)
        check = predicate or (lambda m: m["author"]["id"] == bot_id)
        return await self.wait_until(
            lambda: next((m for m in channel.messages if check(m)), None), timeout
        )

    async def wait_for_call(
        self, method: str, path_regex: str, timeout: float = 15, *, status: int | None = None
    ) -> Call:
        """The first REST call (made already or yet to come) with `method` whose path matches."""
        pattern = re.compile(path_regex)

        def found() -> Call | None:
            for call in self.calls:
                matches = call.method == method.upper() and pattern.search(call.path)
                if matches and (status is None or call.status == status):
                    return call
            return None

        call: Call = await self.wait_until(found, timeout)
        return call


def _user(who: Actor) -> User:
    return who.user if isinstance(who, Member) else who
