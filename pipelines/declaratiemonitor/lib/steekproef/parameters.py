"""The parameters of a steekproef, checked once, with Dutch messages."""

from dataclasses import dataclass

from declaratiemonitor.lib.steekproef.distributions import LIKELIHOODS, normalise_confidence
from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.population import (
    CLAIM_AMOUNT,
    CLAIM_KEY,
    SIGNAL_AMOUNT,
    SIGNAL_KEY,
)
from declaratiemonitor.lib.steekproef.sizing import check_materiality

METHODS = ("aselect", "gestratificeerd", "mus", "signalen")
STRATA = ("aanbieder", "product", "ernst")
PER = ("aanbieder",)
ALLOCATIONS = ("aantal", "bedrag")
CLAIM_STRATA = {"aanbieder": "aanbieder_agb", "product": "product_categorie", "ernst": "ernst"}
SIGNAL_STRATA = {"aanbieder": "aanbieder_agb", "ernst": "severity"}
# RULES.md §9: 2 % errors and uncertainties together (2025 framework) at 95 %; 1 % and 3 % are
# presets (`--materialiteit 1%`), any fraction can be given
MATERIALITY_DEFAULT, CONFIDENCE_DEFAULT = 0.02, 0.95


def parse_materiality(value: str | float) -> float:
    """0.02, '0.02', '0,02', '2%' or '2 %' -> 0.02."""
    text = str(value).strip().replace(" ", "").replace(",", ".")
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise SteekproefFout(
            f"Materialiteit '{value}' is geen getal: geef bijv. 0.02 of 2%."
        ) from None


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SteekproefFout(f"Onbekende {name} '{value}': kies uit {', '.join(choices)}.")


@dataclass(frozen=True)
class Parameters:
    methode: str
    seed: int
    betrouwbaarheid: float = CONFIDENCE_DEFAULT
    materialiteit: float = MATERIALITY_DEFAULT
    verwachte_fout: float = 0.0
    likelihood: str = "poisson"
    strata: str | None = None
    per: str | None = None
    allocatie: str = "aantal"
    aantal: int | None = None
    gemeente: str | None = None
    jaar: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "betrouwbaarheid", normalise_confidence(self.betrouwbaarheid))
        _check_choice("methode", self.methode, METHODS)
        _check_choice("allocatie", self.allocatie, ALLOCATIONS)
        _check_choice("likelihood", self.likelihood, LIKELIHOODS)
        if self.strata is not None:
            _check_choice("strata", self.strata, STRATA)
        if self.per is not None:
            _check_choice("indeling (--per)", self.per, PER)
            if self.methode not in ("mus", "aselect"):
                raise SteekproefFout("--per aanbieder kan bij methode mus of aselect.")
        if self.methode == "gestratificeerd" and self.strata is None:
            raise SteekproefFout("Kies bij een gestratificeerde steekproef --strata.")
        if self.methode in ("aselect", "mus") and self.strata is not None:
            raise SteekproefFout("Strata horen bij methode gestratificeerd of signalen.")
        check_materiality(self.materialiteit, self.verwachte_fout)
        if self.aantal is not None and self.aantal < 1:
            raise SteekproefFout("Het aantal moet minstens 1 zijn.")

    @property
    def key(self) -> str:
        return SIGNAL_KEY if self.methode == "signalen" else CLAIM_KEY

    @property
    def amount(self) -> str:
        return SIGNAL_AMOUNT if self.methode == "signalen" else CLAIM_AMOUNT

    @property
    def group_column(self) -> str | None:
        """The population column that splits the sample: strata, or one sample per provider."""
        name = self.per or self.strata
        if name is None:
            return None
        mapping = SIGNAL_STRATA if self.methode == "signalen" else CLAIM_STRATA
        if name not in mapping:
            raise SteekproefFout(f"Strata '{name}' kan niet bij methode {self.methode}.")
        return mapping[name]
