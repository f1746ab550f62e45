"""The outcome of one group (a provider, a stratum, or the whole population), in cents."""

from dataclasses import asdict, dataclass


@dataclass
class GroupResult:
    groep: str
    populatie_aantal: int
    populatie_bedrag_cents: int
    n: int  # draws (MUS) or lines (line samples)
    n_regels: int
    aantal_fouten: int  # lines with an error or uncertainty, either direction
    geprojecteerde_fout_cents: float  # point estimate, errors and uncertainties together
    bovengrens_cents: float
    bovengrens_fouten_cents: float
    bovengrens_onzekerheden_cents: float
    bovengrens_onderschattingen_cents: float
    tolerantie_cents: float
    netto_overschatting_cents: float  # point estimate of the net overpayment (onjuist only)
    terugvordering_cents: float  # max(0, netto_overschatting_cents)

    @property
    def voldoet(self) -> bool:
        """Strictly below the tolerance, as jfa: a bound equal to it does not pass."""
        return self.bovengrens_cents < self.tolerantie_cents

    def to_dict(self) -> dict:
        values = asdict(self) | {"voldoet": self.voldoet}
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in values.items()}


SUMMED = (
    "populatie_aantal",
    "populatie_bedrag_cents",
    "n",
    "n_regels",
    "aantal_fouten",
    "geprojecteerde_fout_cents",
    "bovengrens_cents",
    "bovengrens_fouten_cents",
    "bovengrens_onzekerheden_cents",
    "bovengrens_onderschattingen_cents",
    "tolerantie_cents",
    "netto_overschatting_cents",
    "terugvordering_cents",
)


def summed(groups: list[GroupResult], name: str = "totaal") -> GroupResult:
    """The total of separate populations: every figure added up (upper bounds too, which is
    conservative: the bound of a sum is at most the sum of the bounds)."""
    return GroupResult(name, **{k: sum(getattr(g, k) for g in groups) for k in SUMMED})
