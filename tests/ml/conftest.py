import json
from pathlib import Path

import numpy as np
import pytest

from ml.encoders import get_encoder
from ml.evaluate import read_ideas

DATA = Path(__file__).resolve().parents[2] / "ml" / "data"


@pytest.fixture(scope="session")
def dev_set():
    data = read_ideas(DATA / "dev_ideas.csv")
    return {key: np.array(values, dtype=object) for key, values in data.items()}


@pytest.fixture(scope="session")
def themes():
    return json.loads((DATA / "hackathon11_themes.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def lexical():
    return get_encoder("lexical")


@pytest.fixture(scope="session")
def default_encoder():
    # The multilingual model loads once for the whole run.
    return get_encoder("default")


@pytest.fixture(scope="session")
def dev_vectors(default_encoder, dev_set):
    return default_encoder.encode(list(dev_set["text"]))
