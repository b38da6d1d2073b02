"""Survey weighting: raking to population margins, effective sample size, weighted shares with
Wilson intervals.

Raking (iterative proportional fitting) is written here rather than taken from a package: statsmodels
has none, and the packages that do (ipfn, samplics) bring far more than these twenty lines need.
"""

from __future__ import annotations

import math

import pandas as pd

from skills_evidence.statistics.intervals import wilson


def rake(
    frame: pd.DataFrame, margins: dict[str, dict[str, float]], max_iter: int = 200, tol: float = 1e-9
) -> pd.Series:
    """Weights (mean 1) that make the weighted shares of each margin's categories match the targets.

    `margins` maps a column to {category: target share}. Respondents in a category the margin does not
    name (e.g. "Prefer not to say") are left out of that margin's adjustment rather than forced into one.
    """
    weights = pd.Series(1.0, index=frame.index)
    for _ in range(max_iter):
        largest = 0.0
        for column, targets in margins.items():
            total = sum(targets.values())
            inside = frame[column].isin(targets)
            mass = weights[inside].sum()
            for category, share in targets.items():
                cell = frame[column] == category
                current = weights[cell].sum()
                if current == 0:
                    raise ValueError(f"no respondent in {column} = {category!r}: cannot weight to it")
                factor = (share / total) * mass / current
                weights[cell] *= factor
                largest = max(largest, abs(factor - 1))
        if largest < tol:
            break
    else:  # the margins cannot all be met at once (they contradict each other): never weight silently
        raise ValueError(
            f"raking to {', '.join(margins)} did not converge in {max_iter} rounds (last adjustment "
            f"{largest:.2g}): the margins contradict each other or a category is too small"
        )
    return weights / weights.mean()


def effective_sample_size(weights: pd.Series) -> float:
    """Kish's effective sample size: (Σw)² / Σw²."""
    return float(weights.sum() ** 2 / (weights**2).sum())


def weighted_share(answers: pd.Series, weights: pd.Series) -> dict[str, float]:
    """Weighted % ticking a 0/1 item among those who answered it, with counts and interval."""
    answered = answers.notna()
    a, w = answers[answered], weights[answered]
    n, k = int(answered.sum()), int(a.sum())
    if n == 0:
        return {"n": 0, "k": 0, "share": math.nan, "ci_lower": math.nan, "ci_upper": math.nan, "n_eff": 0.0}
    share = float((a * w).sum() / w.sum())
    n_eff = effective_sample_size(w)
    low, high = wilson(share * n_eff, n_eff)
    return {"n": n, "k": k, "share": 100 * share, "ci_lower": low, "ci_upper": high, "n_eff": n_eff}


def two_wave_z(p1: float, ne1: float, p2: float, ne2: float) -> float:
    """z for the change in a weighted share between two independent waves (shares in per cent)."""
    p1, p2 = p1 / 100, p2 / 100
    se = math.sqrt(p1 * (1 - p1) / ne1 + p2 * (1 - p2) / ne2)
    return (p2 - p1) / se if se > 0 else math.nan


def unweighted_share(answers: pd.Series) -> float:
    """Plain % ticking an item among those who answered (what the council's reports printed)."""
    answered = answers.dropna()
    return 100 * float(answered.mean()) if len(answered) else math.nan
