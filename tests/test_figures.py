from claimgraph.figures import find_figures


def figures(text):
    return [(f.span.of(text), f.value, f.kind, f.unit, f.qualifier) for f in find_figures(text)]


def test_people_figures_with_qualifiers_and_adjectives():
    text = "Officials lost around 685 security personnel and 915 civilians; over 500,000 Afghan refugees left."
    assert figures(text) == [
        ("around 685 security personnel", 685, "people", None, "around"),
        ("915 civilians", 915, "people", None, None),
        ("over 500,000 Afghan refugees", 500000, "people", None, "over"),
    ]


def test_scaled_numbers_and_money():
    text = "They pledged $35m, spent Rs 2 billion and 3,000 dollars; 1.73m undocumented Afghans remain."
    got = figures(text)
    assert ("$35m", 35_000_000, "money", "USD", None) in got
    assert ("Rs 2 billion", 2_000_000_000, "money", "PKR", None) in got
    assert ("3,000 dollars", 3000, "money", "USD", None) in got
    assert ("1.73m undocumented Afghans", 1_730_000, "people", None, None) in got


def test_casualty_words():
    text = "At least 12 were killed and 30 wounded."
    assert figures(text) == [
        ("At least 12 were killed", 12, "casualty", None, "at least"),
        ("30 wounded", 30, "casualty", None, None),
    ]


def test_not_figures():
    # years, ordinals, percentages and counts of things that are not people or money
    text = "In 2023 refugees left; the 3rd Battalion and 187th Infantry; 40% of voters; 5,000 lorries waited."
    assert figures(text) == []
