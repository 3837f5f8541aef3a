"""Read the demo's JSON files, found beside this module wherever it is installed.

The words live in JSON so that they can be edited (Thai first) without reading
code. Here JSON's strings become the dates, times and decimals the services
take, and a group name no role has fails loudly: users would otherwise be
created without it, silently.
"""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from workbench import roles

DATA_DIR = Path(__file__).resolve().parent


def read(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def site() -> dict:
    """Pages, themes, users and facilitators, and when the ideas came in."""
    data = read("hackathon11_site.json")
    event = data["event"]
    event["start_date"] = date.fromisoformat(event["start_date"])
    arrival = data["ideas_arrival"]
    first_at = datetime.fromisoformat(arrival["first_at"])
    data["ideas_arrival"] = {
        "first_at": first_at.replace(tzinfo=ZoneInfo(arrival["time_zone"])),
        "every": timedelta(minutes=arrival["every_minutes"]),
    }
    known = {*roles.ROLE_PERMISSIONS, roles.ADMINISTRATOR}
    for username, user in data["users"].items():
        unknown = {user["role"], *user["extra_groups"]} - known
        if unknown:
            raise ValueError(f"Demo user {username}: no role {sorted(unknown)}")
    return data


def ideas() -> list[dict]:
    return read("hackathon11_ideas.json")["ideas"]


def framework() -> dict:
    """The draft framework built from the ideas.

    Each strategic issue answers one theme; measures cite ideas by their titles
    in the ideas file.
    """
    data = read("hackathon11_framework.json")
    for issue in data["issues"]:
        for measure in issue["measures"]:
            measure["estimated_budget"] = Decimal(measure["estimated_budget"])
            indicator = measure["indicator"]
            indicator["baseline"] = Decimal(indicator["baseline"])
            indicator["targets"] = {
                int(year): Decimal(value)
                for year, value in indicator["targets"].items()
            }
    return data


def judging() -> dict:
    """The round that picked the ideas ready to implement, and how it scored.

    ``ready`` names ideas by their keys in the ideas file, in the order the
    event's announcement lists them, each with the share of its scores that
    are 5 rather than 4; they must be the ideas that file marks shortlisted,
    or the demo's round would select other ideas than the ones it says were
    ready.
    """
    data = read("hackathon11_judging.json")
    by_key = {idea["key"]: idea for idea in ideas()}
    shortlisted = {
        key for key, idea in by_key.items() if idea.get("status") == "shortlisted"
    }
    named = [item["idea"] for item in data["ready"]]
    if set(named) != shortlisted or len(named) != len(shortlisted):
        raise ValueError(
            f"Demo judging: ready ideas {sorted(named)} are not the shortlisted "
            f"ideas {sorted(shortlisted)}"
        )
    for item in data["ready"]:
        item["title"] = by_key[item["idea"]]["title"]
    return data
