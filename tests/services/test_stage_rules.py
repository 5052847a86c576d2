"""services.sales.stage_rules: the live stage rules the sale card follows are the ones saving enforces."""

from leadtui.services.sales import stage_rules


def test_sold_and_lost_fix_the_probability_date_today_when_closing_and_ask_their_reason():
    sold = stage_rules("sold", was="open")
    assert (sold.status, sold.probability, sold.probability_fixed, sold.date_today) == ("sold", 100, True, True)
    assert sold.reason == "reason_sold" and sold.may_complete and not sold.may_stall
    lost = stage_rules("lost", stalled=True, was="lost")  # already lost: the date stays; a lost sale is not stalled
    assert (lost.probability, lost.date_today, lost.reason, lost.needs_reopen_date) == (0, False, "reason_lost", False)


def test_a_normal_stage_takes_its_probability_and_stalled_asks_for_reopen_date_and_reason():
    open_ = stage_rules("7", stage_probability=40, was="sold")
    assert (open_.status, open_.probability, open_.probability_fixed) == ("open", 40, False)
    assert not open_.may_complete and open_.may_stall and open_.reason is None
    stalled = stage_rules("7", stalled=True)
    assert stalled.status == "stalled" and stalled.needs_reopen_date and stalled.reason == "reason_stalled"
    assert stalled.probability is None  # no stage probability given: Probability stays as typed
