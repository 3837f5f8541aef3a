from datetime import UTC, date, datetime

from django.utils import translation

from ideas.dates import format_date


def test_thai_dates_use_the_buddhist_era():
    assert format_date(date(2022, 6, 11), language="th") == "11 มิ.ย. 2565"
    assert format_date(date(2022, 6, 11), language="th", long=True) == "11 มิถุนายน 2565"


def test_english_dates_use_the_common_era():
    assert format_date(date(2022, 6, 11), language="en") == "11 Jun 2022"
    assert format_date(date(2022, 6, 11), language="en", long=True) == "11 June 2022"


def test_times_are_shown_in_bangkok_time():
    # 02:30 UTC is 09:30 in Bangkok, and 31 Dec 17:30 UTC is already 1 Jan there.
    assert (
        format_date(
            datetime(2022, 6, 11, 2, 30, tzinfo=UTC), language="th", with_time=True
        )
        == "11 มิ.ย. 2565 09:30 น."
    )
    assert format_date(datetime(2022, 12, 31, 17, 30, tzinfo=UTC), language="en") == (
        "1 Jan 2023"
    )


def test_active_language_is_the_default():
    with translation.override("en"):
        assert format_date(date(2023, 1, 2)) == "2 Jan 2023"
    with translation.override("th"):
        assert format_date(date(2023, 1, 2)) == "2 ม.ค. 2566"
    assert format_date(None) == ""
