"""The stand-in's world: guilds with their channels, roles and members, DMs, the application.

`World` owns every object; the REST and gateway layers read and change it. Changes made by
tests (a new role, channel or member) are announced through `World.changed`, which the server
turns into gateway events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.standin.attachments import Cdn
from bot.standin.entities import (
    ADD_REACTIONS,
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    ATTACH_FILES,
    CREATE_PRIVATE_THREADS,
    CREATE_PUBLIC_THREADS,
    DEFAULT_EVERYONE,
    DM,
    EMBED_LINKS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    MANAGE_THREADS,
    MENTION_EVERYONE,
    PIN_MESSAGES,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    TEXT,
    VIEW_CHANNEL,
    Channel,
    Member,
    Role,
    Snowflakes,
    User,
    iso,
    normalise_overwrite,
    now_iso,
)

__all__ = [
    "ADD_REACTIONS",
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "ATTACH_FILES",
    "CREATE_PRIVATE_THREADS",
    "CREATE_PUBLIC_THREADS",
    "DEFAULT_EVERYONE",
    "DM",
    "EMBED_LINKS",
    "MANAGE_GUILD",
    "MANAGE_MESSAGES",
    "MANAGE_THREADS",
    "MENTION_EVERYONE",
    "PIN_MESSAGES",
    "PRIVATE_THREAD",
    "PUBLIC_THREAD",
    "READ_MESSAGE_HISTORY",
    "SEND_MESSAGES",
    "SEND_MESSAGES_IN_THREADS",
    "TEXT",
    "VIEW_CHANNEL",
    "Channel",
    "Guild",
    "Member",
    "Role",
    "Snowflakes",
    "User",
    "World",
    "iso",
    "normalise_overwrite",
    "now_iso",
]


# The fewest boosts that reach each Server Boost tier.
BOOSTS_FOR_TIER = {0: 0, 1: 2, 2: 7, 3: 14}


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    world: World
    owner: Member = field(init=False)
    me: Member = field(init=False)
    bot_role: Role = field(init=False)
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    locale: str = "en-US"
    system_channel_id: int | None = None
    joined_at: str = field(default_factory=now_iso)
    # Server Boost level 0-3: sets the upload limit (10, 10, 50, 100 MiB).
    premium_tier: int = 0
    # False until the bot is added (see StandIn.join_guild), and after it is removed.
    joined: bool = True

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    @property
    def text_channels(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.type == TEXT]

    @property
    def threads(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_thread]

    def add_role(
        self, name: str, permissions: int = 0, *, mentionable: bool = False, hoist: bool = False
    ) -> Role:
        role = Role(
            id=self.world.ids.next(),
            guild_id=self.id,
            name=name,
            permissions=permissions,
            position=len(self.roles),
            mentionable=mentionable,
            hoist=hoist,
        )
        self.roles[role.id] = role
        self.world.changed(
            "GUILD_ROLE_CREATE", self, {"guild_id": str(self.id), "role": role.json()}
        )
        return role

    def add_text_channel(
        self, name: str, *, overwrites: list[dict[str, Any]] | None = None, topic: str | None = None
    ) -> Channel:
        channel = Channel(
            id=self.world.ids.next(),
            type=TEXT,
            name=name,
            guild=self,
            overwrites=[normalise_overwrite(o) for o in overwrites or []],
            position=len(self.text_channels),
            topic=topic,
        )
        self.channels[channel.id] = channel
        self.world.changed("CHANNEL_CREATE", self, channel.json())
        if self.system_channel_id is None:
            # Discord makes the first text channel the system channel of a new server.
            self.system_channel_id = channel.id
            self.world.changed("GUILD_UPDATE", self, self.json())
        return channel

    def add_thread(
        self, parent: Channel, name: str, *, private: bool = False, owner: Member | None = None
    ) -> Channel:
        """A thread that already exists (no THREAD_CREATE side effects beyond the event)."""
        thread = self.world.new_thread(
            parent, name, private=private, owner_id=(owner or self.me).id
        )
        self.world.changed("THREAD_CREATE", self, {**thread.json(), "newly_created": True})
        return thread

    def add_member(
        self,
        name: str,
        *,
        roles: list[Role] | None = None,
        dms_open: bool = True,
        user: User | None = None,
        bot: bool = False,
    ) -> Member:
        if user is None:
            user = self.world.add_user(name, dms_open=dms_open, bot=bot)
        member = Member(user=user, guild=self, roles=list(roles or []))
        self.members[user.id] = member
        self.world.changed("GUILD_MEMBER_ADD", self, {**member.json(), "guild_id": str(self.id)})
        return member

    def edit_channel(
        self,
        channel: Channel,
        *,
        name: str | None = None,
        topic: str | None = None,
        overwrites: list[dict[str, Any]] | None = None,
    ) -> None:
        """Change a channel as an admin would (dispatches CHANNEL_UPDATE / THREAD_UPDATE)."""
        if name is not None:
            channel.name = name
        if topic is not None:
            channel.topic = topic
        if overwrites is not None:
            channel.overwrites = [normalise_overwrite(o) for o in overwrites]
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        self.world.changed(event, self, channel.json())

    def set_bot_permissions(self, permissions: int) -> None:
        """Change the permissions of the bot's managed role (dispatches GUILD_ROLE_UPDATE)."""
        self.bot_role.permissions = permissions
        self.world.changed(
            "GUILD_ROLE_UPDATE", self, {"guild_id": str(self.id), "role": self.bot_role.json()}
        )

    def set_premium_tier(self, tier: int) -> None:
        """Boost the server to `tier` (0-3); dispatches GUILD_UPDATE (discord.py's
        `Guild.filesize_limit` follows, and so do the stand-in's upload limit and interactions'
        `attachment_size_limit`)."""
        if tier not in BOOSTS_FOR_TIER:
            raise ValueError(f"premium tier must be 0-3, not {tier}")
        self.premium_tier = tier
        self.world.changed("GUILD_UPDATE", self, self.json())

    def member_json(self, member: Member) -> dict[str, Any]:
        return {**member.json(), "guild_id": str(self.id)}

    def json(self) -> dict[str, Any]:
        """The full guild object, as in GUILD_CREATE."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": self.premium_tier,
            "premium_subscription_count": BOOSTS_FOR_TIER.get(self.premium_tier, 0),
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale,
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "features": [],
            "max_members": 500000,
            "max_video_channel_users": 25,
            "roles": [r.json() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "application_id": None,
        }

    def create_json(self) -> dict[str, Any]:
        return {
            **self.json(),
            "unavailable": False,
            "large": False,
            "lazy": True,
            "joined_at": self.joined_at,
            "member_count": len(self.members),
            "members": [m.json() for m in self.members.values()],
            "channels": [c.json() for c in self.channels.values() if not c.is_thread],
            "threads": [c.json() for c in self.threads if not c.archived],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


class World:
    """Everything the stand-in knows. `changed` is set by the server to dispatch events."""

    def __init__(self, *, bot_name: str = "Kindred", message_content: bool = True) -> None:
        self.ids = Snowflakes()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.dm_channels: dict[int, Channel] = {}
        # channel id -> the guild it was last found in: a hint (checked on every use, so a
        # deleted or moved channel is never returned), so a look-up among thousands of
        # guilds does not scan them all.
        self._channel_guild: dict[int, Guild] = {}
        # Uploaded files by attachment id, and the CDN serving them.
        self.cdn = Cdn()
        self.bot = self.add_user(bot_name, bot=True)
        self.application_id = self.bot.id
        self.application_flags = (1 << 18) if message_content else 0
        self.app_owner = self.add_user("owner")
        self._changed: Any = None

    def changed(self, event: str, guild: Guild | None, data: dict[str, Any]) -> None:
        if self._changed is not None:
            self._changed(event, guild, data)

    def add_user(self, name: str, *, dms_open: bool = True, bot: bool = False) -> User:
        user = User(id=self.ids.next(), name=name, bot=bot, dms_open=dms_open)
        self.users[user.id] = user
        return user

    @property
    def joined_guilds(self) -> list[Guild]:
        return [g for g in self.guilds.values() if g.joined]

    def add_guild(
        self,
        name: str,
        *,
        bot_permissions: int = DEFAULT_EVERYONE,
        joined: bool = True,
        owner_name: str | None = None,
    ) -> Guild:
        guild = Guild(id=self.ids.past(), name=name, world=self, joined=joined)
        guild.roles[guild.id] = Role(
            id=guild.id, guild_id=guild.id, name="@everyone", permissions=DEFAULT_EVERYONE
        )
        owner_user = self.add_user(owner_name or f"{name.lower().replace(' ', '-')}-owner")
        guild.owner = Member(user=owner_user, guild=guild)
        guild.members[owner_user.id] = guild.owner
        guild.bot_role = Role(
            id=self.ids.next(),
            guild_id=guild.id,
            name=self.bot.name,
            permissions=bot_permissions,
            position=1,
            bot_id=self.bot.id,
        )
        guild.roles[guild.bot_role.id] = guild.bot_role
        guild.me = Member(user=self.bot, guild=guild, roles=[guild.bot_role])
        guild.members[self.bot.id] = guild.me
        self.guilds[guild.id] = guild
        return guild

    def new_thread(
        self,
        parent: Channel,
        name: str,
        *,
        private: bool,
        owner_id: int,
        thread_id: int | None = None,
    ) -> Channel:
        assert parent.guild is not None
        thread = Channel(
            id=thread_id if thread_id is not None else self.ids.next(),
            type=PRIVATE_THREAD if private else PUBLIC_THREAD,
            name=name,
            guild=parent.guild,
            parent=parent,
            owner_id=owner_id,
        )
        thread.thread_member_ids.add(owner_id)
        parent.guild.channels[thread.id] = thread
        return thread

    def channel(self, channel_id: int) -> Channel | None:
        if channel_id in self.dm_channels:
            return self.dm_channels[channel_id]
        hint = self._channel_guild.get(channel_id)
        if hint is not None and channel_id in hint.channels:
            return hint.channels[channel_id]
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                self._channel_guild[channel_id] = guild
                return guild.channels[channel_id]
        return None

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with a user, created on first use like Discord's."""
        for channel in self.dm_channels.values():
            if channel.recipient is user:
                return channel
        channel = Channel(id=self.ids.next(), type=DM, recipient=user)
        self.dm_channels[channel.id] = channel
        return channel

    def find_message(self, channel: Channel, message_id: int) -> dict[str, Any] | None:
        wanted = str(message_id)
        for message in channel.messages:
            if message["id"] == wanted:
                return message
        return None
