-- rule: uitnutting.overschrijding
-- title: Meer gedeclareerd dan over de geldigheidsduur is toegewezen
-- source: seed 002 §3 Protocol maatwerkvoorziening Begeleiding (lines ~3841-3851: uitnutting
--   over het totaal binnen de geldigheidsduur; line ~4958: het totaalaantal geïndiceerde uren
--   wordt niet overschreden); RULES.md §1 and Conventions (Allocated total, Units, Net claims)
-- uitleg: Er is meer gedeclareerd dan over de hele geldigheidsduur van de toewijzing is toegewezen.
-- actie: crediteren
-- grondslag: Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, §3 Protocol maatwerkvoorziening Begeleiding (het toegewezen totaal wordt niet overschreden)
-- severity: hoog
-- version: 1
-- reads: models.toewijzingen, models.uitnutting_claims
-- reading: allocations in scope; counted claims from models.uitnutting_claims (time in minutes;
--   budget allocations compare net ingediend_bedrag_cents with budget_cents). Signal when claimed
--   > allocated total (exactly equal is fine). The excess is assigned to the lines that crossed
--   the total (running sum by begindatum, then referentie_nummer, computed here only over the
--   lines of the allocations over their total); evidence = those lines; impact
--   = their excess part × each line's contract tariff (per hour for time; the claimed tariff when
--   no contract tariff is known), or the excess eurocents for a budget. One signal per allocation,
--   period = its validity (open-ended: to peildatum). Interaction: an allocation over its total
--   gets no uitnutting.prognose (that needs u < 1); uitnutting.periode_overschrijding is a
--   separate (monthly) finding and may fire as well.
with allocations as (
    select * from models.toewijzingen
    where in_scope
),

per_allocation as (
    -- the sums find the allocations over their total first: running sums only for their lines
    select gemeente_code, toewijzing_nummer, sum(hoeveelheid) as gedeclareerd
    from models.uitnutting_claims
    group by gemeente_code, toewijzing_nummer
),

over_total as (
    select
        a.*,
        p.gedeclareerd,
        if(a.volume is null, a.budget_cents, a.toegewezen_totaal) as toegewezen
    from per_allocation as p
    inner join allocations as a using (gemeente_code, toewijzing_nummer)
    where p.gedeclareerd > toegewezen
),

running as (
    select
        c.gemeente_code,
        c.toewijzing_nummer,
        c.referentie_nummer,
        c.begindatum,
        c.hoeveelheid,
        c.cent_per_eenheid,
        o.toegewezen,
        sum(c.hoeveelheid) over (
            partition by c.gemeente_code, c.toewijzing_nummer
            order by c.begindatum, c.referentie_nummer
            rows between unbounded preceding and current row
        ) as cumulatief
    from models.uitnutting_claims as c
    inner join over_total as o using (gemeente_code, toewijzing_nummer)
),

excess as (
    select
        gemeente_code,
        toewijzing_nummer,
        sum(
            least(hoeveelheid, greatest(cumulatief - toegewezen, 0)) * cent_per_eenheid
        ) as impact,
        list(referentie_nummer order by begindatum, referentie_nummer)
            filter (where cumulatief > toegewezen) as regels
    from running
    group by gemeente_code, toewijzing_nummer
),

flagged as (
    select
        o.*,
        e.impact,
        e.regels,
        o.gedeclareerd - o.toegewezen as te_veel
    from over_total as o
    inner join excess as e using (gemeente_code, toewijzing_nummer)
),

described as (
    select
        *,
        list_transform(
            [gedeclareerd, toegewezen, te_veel],
            lambda x: if(
                volume is null, fmt_eur(x), fmt_volume(x, eenheid, soort, 0)
            )
        ) as tekst
    from flagged
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    ingangsdatum as period_start,
    geldig_tot as period_end,
    cast(gedeclareerd as double) as measured,
    cast(toegewezen as double) as threshold,
    case
        when volume is null then 'eurocent'
        when is_tijd then 'minuten'
        when eenheid = '14' then 'etmalen'
        when eenheid = '16' then 'dagdelen'
        when soort in ('vervoer', 'vervoer_rolstoel') then 'retourritten'
        else 'eenheden'
    end as unit,
    round_half_up(impact) as impact_cents,
    regels as evidence,
    'Op toewijzing ' || toewijzing_nummer || ' ('
    || coalesce(product_code, 'categorie ' || product_categorie) || ', '
    || fmt_datum(ingangsdatum) || ' t/m '
    || coalesce(fmt_datum(einddatum), 'open einde') || ') is ' || tekst[1]
    || ' gedeclareerd, meer dan de toegewezen ' || tekst[2] || ': ' || tekst[3]
    || ' te veel (' || fmt_eur(round_half_up(impact)) || ').' as message
from described
