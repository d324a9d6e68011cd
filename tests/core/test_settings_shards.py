"""KINDRED_SHARD_COUNT, KINDRED_SHARD_IDS and KINDRED_PROCESS_COUNT: parsing, one-line errors,
and the REST budget split between the processes that share a token."""

from __future__ import annotations

import pytest

from bot.core.settings import ConfigError, Settings, Sharding, load_settings


def load(environ: dict[str, str]) -> Settings:
    return load_settings(environ, env_file=None, require_token=False)


def config_error(environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as info:
        load(environ)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_unset_means_one_unsharded_process_with_the_whole_budget() -> None:
    settings = load({})
    assert settings.sharding is None
    assert settings.process_count == 1
    assert settings.rest_rate == 49


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        ("auto", None, Sharding(count=None)),
        ("AUTO", None, Sharding(count=None)),
        ("4", None, Sharding(count=4)),
        ("2", "1", Sharding(count=2, ids=(1,))),
        ("8", "0-3", Sharding(count=8, ids=(0, 1, 2, 3))),
        ("8", "6,0, 2-3", Sharding(count=8, ids=(0, 2, 3, 6))),
    ],
)
def test_shard_settings_are_read(count: str, ids: str | None, expected: Sharding) -> None:
    environ = {"KINDRED_SHARD_COUNT": count}
    if ids is not None:
        environ["KINDRED_SHARD_IDS"] = ids
    assert load(environ).sharding == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"KINDRED_SHARD_IDS": "0-3"}, "needs KINDRED_SHARD_COUNT"),
        ({"KINDRED_SHARD_COUNT": "auto", "KINDRED_SHARD_IDS": "0"}, "not auto"),
        ({"KINDRED_SHARD_COUNT": "0"}, "from 1 to 4096"),
        ({"KINDRED_SHARD_COUNT": "two"}, "'two'"),
        ({"KINDRED_SHARD_COUNT": "2", "KINDRED_SHARD_IDS": "2"}, "from 0 to 1"),
        ({"KINDRED_SHARD_COUNT": "4", "KINDRED_SHARD_IDS": "3-1"}, "like 0-3"),
        ({"KINDRED_SHARD_COUNT": "4", "KINDRED_SHARD_IDS": "a"}, "like 0-3"),
        ({"KINDRED_SHARD_COUNT": "4", "KINDRED_SHARD_IDS": "0-2,2"}, "twice"),
        ({"KINDRED_PROCESS_COUNT": "0"}, "KINDRED_PROCESS_COUNT"),
        ({"KINDRED_PROCESS_COUNT": "50"}, "cannot split"),
        ({"KINDRED_SHARD_COUNT": "64", "KINDRED_SHARD_IDS": "3"}, "more shards per process"),
    ],
)
def test_bad_shard_settings_name_the_problem(environ: dict[str, str], expected: str) -> None:
    assert expected in config_error(environ)


@pytest.mark.parametrize(
    ("environ", "processes", "rate"),
    [
        ({"KINDRED_SHARD_COUNT": "2", "KINDRED_SHARD_IDS": "1"}, 2, 24.5),
        ({"KINDRED_SHARD_COUNT": "8", "KINDRED_SHARD_IDS": "0-3"}, 2, 24.5),
        ({"KINDRED_SHARD_COUNT": "9", "KINDRED_SHARD_IDS": "0-2"}, 3, 49 / 3),
        ({"KINDRED_SHARD_COUNT": "auto"}, 1, 49),
        ({"KINDRED_SHARD_COUNT": "4"}, 1, 49),
        ({"KINDRED_PROCESS_COUNT": "5"}, 5, 9.8),
        ({"KINDRED_PROCESS_COUNT": "49"}, 49, 1),
        ({"KINDRED_PROCESS_COUNT": "100", "KINDRED_REST_RATE": "2"}, 100, 2),
        # An explicit rate wins over the split (the operator divided it some other way).
        ({"KINDRED_SHARD_COUNT": "2", "KINDRED_SHARD_IDS": "1", "KINDRED_REST_RATE": "30"}, 2, 30),
        # An explicit process count wins over the one the shards imply.
        (
            {"KINDRED_SHARD_COUNT": "2", "KINDRED_SHARD_IDS": "0", "KINDRED_PROCESS_COUNT": "3"},
            3,
            49 / 3,
        ),
    ],
)
def test_the_global_budget_is_split_between_processes(
    environ: dict[str, str], processes: int, rate: float
) -> None:
    settings = load(environ)
    assert settings.process_count == processes
    assert settings.rest_rate == rate
    # Together the processes never exceed Discord's 50 calls a second.
    if "KINDRED_REST_RATE" not in environ:
        assert settings.rest_rate * settings.process_count <= 49 + 1e-9


def test_sharding_describes_itself_for_the_start_up_log() -> None:
    assert Sharding(count=8, ids=(0, 1, 2, 5)).describe() == "shards 0-2, 5 of 8"
    assert Sharding(count=2).describe() == "shards 0-1 of 2"
    assert "recommended" in Sharding(count=None).describe()
