-- rule: uitnutting.onderbenutting
-- title: Toewijzing na meer dan de helft van de looptijd veel minder gebruikt dan verwacht
-- source: seed 002 §3 Protocol maatwerkvoorziening Begeleiding (lines ~3841-3851: periodiek de
--   uitnutting per indicatie meten); RULES.md §1 and Conventions
-- uitleg: Na meer dan de helft van de looptijd is veel minder gedeclareerd dan toegewezen; wordt de toegewezen ondersteuning wel geleverd?
-- actie: toelichten
-- grondslag: Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, §3 Protocol maatwerkvoorziening Begeleiding (uitnutting per indicatie)
-- severity: laag
-- version: 1
-- reads: models.toewijzingen, models.uitnutting_claims, staging.regelparameters
-- reading: allocations in scope with an allocated total > 0; counted claims from
--   models.uitnutting_claims (time in minutes; a budget compares net ingediend_bedrag_cents with
--   budget_cents). u = claimed / allocated total, f from models.toewijzingen (open-ended: f = 1
--   over the total up to peildatum; an allocation that has ended keeps f = 1). Signal when f >=
--   0.5 and u / f < onderbenutting_drempel (rounded to 9 decimals: exactly 0.80 is not flagged),
--   also when nothing at all was claimed. One signal per allocation, period = the validity,
--   measured = u / f, threshold = onderbenutting_drempel, impact 0 (money not spent is no loss).
--   Interaction: never together with uitnutting.prognose (u / f >= 1.20) or
--   uitnutting.overschrijding (u > 1); no calendar-year variant (RULES.md gives none).
with allocations as (
    select * from models.toewijzingen
    where in_scope
),

parameters as (
    select gemeente_code, onderbenutting_drempel from staging.regelparameters
),

counted as (
    select * from models.uitnutting_claims
),

totals as (
    select
        gemeente_code,
        toewijzing_nummer,
        sum(hoeveelheid) as gedeclareerd
    from counted
    group by gemeente_code, toewijzing_nummer
),

measured as (
    select
        a.*,
        if(a.volume is null, a.budget_cents, a.toegewezen_totaal) as toegewezen,
        coalesce(t.gedeclareerd, 0) as gedeclareerd,
        coalesce(t.gedeclareerd, 0) / toegewezen as benut,
        coalesce(t.gedeclareerd, 0) / toegewezen / a.f as tempo
    from allocations as a
    left join totals as t using (gemeente_code, toewijzing_nummer)
),

flagged as (
    select
        m.*,
        p.onderbenutting_drempel
    from measured as m
    inner join parameters as p using (gemeente_code)
    where
        m.toegewezen > 0
        and round(m.f, 9) >= 0.5
        and round(m.tempo, 9) < p.onderbenutting_drempel
),

evidence as (
    -- the sums find the flagged allocations first: lists only for their lines
    select
        c.gemeente_code,
        c.toewijzing_nummer,
        list(c.referentie_nummer order by c.begindatum, c.referentie_nummer) as regels
    from counted as c
    semi join flagged as f using (gemeente_code, toewijzing_nummer)
    group by c.gemeente_code, c.toewijzing_nummer
),

described as (
    select
        f.*,
        coalesce(e.regels, []) as regels,
        list_transform(
            [gedeclareerd, toegewezen],
            lambda x: if(
                volume is null, fmt_eur(x), fmt_volume(x, eenheid, soort, 0)
            )
        ) as tekst
    from flagged as f
    left join evidence as e using (gemeente_code, toewijzing_nummer)
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    ingangsdatum as period_start,
    geldig_tot as period_end,
    tempo as measured,
    onderbenutting_drempel as threshold,
    'verhouding' as unit,
    0 as impact_cents,
    regels as evidence,
    'Toewijzing ' || toewijzing_nummer || ' ('
    || coalesce(product_code, 'categorie ' || product_categorie) || ', '
    || fmt_datum(ingangsdatum) || ' t/m ' || coalesce(fmt_datum(einddatum), 'open einde')
    || ') is na ' || verstreken_dagen || ' van ' || geldigheid_dagen || ' dagen ('
    || fmt_num(round(100 * f, 1), 1) || ' %) pas voor ' || fmt_num(round(100 * benut, 1), 1)
    || ' % gebruikt (' || tekst[1] || ' van ' || tekst[2] || '), '
    || fmt_num(round(tempo, 2), 2) || ' keer het tempo van de verstreken tijd; '
    || 'wordt de toegewezen zorg wel geleverd?' as message
from described
