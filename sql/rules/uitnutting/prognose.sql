-- rule: uitnutting.prognose
-- title: Toewijzing raakt bij het huidige tempo ruim voor de einddatum op
-- source: seed 002 §3 Protocol maatwerkvoorziening Begeleiding (lines ~3841-3851: uitnutting
--   over de geldigheidsduur en per kalenderjaar; voorbeeld 100 uur, na 2 maanden al 40 uur);
--   RULES.md §1 and Conventions
-- uitleg: Bij het huidige tempo is de toewijzing ruim voor de einddatum op; licht toe of de inzet klopt of dat een nieuwe indicatie nodig is.
-- actie: toelichten
-- grondslag: Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, §3 Protocol maatwerkvoorziening Begeleiding (uitnutting per indicatie)
-- severity: midden
-- version: 1
-- reads: models.toewijzingen, models.uitnutting_claims, staging.regelparameters
-- reading: allocations in scope; counted claims from models.uitnutting_claims (time in minutes; a
--   budget compares net ingediend_bedrag_cents with budget_cents). Over the validity: u = claimed
--   / allocated total, f from models.toewijzingen (open-ended: f = 1, so never); signal when f >=
--   min_verstreken, u < 1 and u / f >= prognose_drempel (compared after rounding to 9 decimals, so
--   a ratio of exactly 1.2 counts); period = the validity, measured = u / f, threshold =
--   prognose_drempel. Projected depletion date = segment start + floor(allocated / (claimed per
--   elapsed day)) days (the day on which the allocation runs out). Calendar-year variant: for the
--   year of peildatum when the validity started in an earlier year and still runs in it: segment =
--   validity ∩ that year, share = total × segment days / validity days, claims with begindatum in
--   the segment, f = elapsed segment days / segment days, the same three conditions; period = the
--   calendar year (1 January - 31 December). In the validity's first year the year segment starts
--   at ingangsdatum and holds every claim so far, so its u / f equals the validity's: the same
--   finding, reported once (whole validity). Interaction: an allocation already at or over its
--   total (u >= 1) gets no prognose, neither for the validity nor for the year
--   (uitnutting.overschrijding tells when it is over); uitnutting.onderbenutting needs u / f <
--   0.80, so it never coincides.
with allocations as (
    select * from models.toewijzingen
    where in_scope
),

parameters as (
    select gemeente_code, min_verstreken, prognose_drempel from staging.regelparameters
),

counted as not materialized (  -- read three times; a copy of every claim would cost more
    select * from models.uitnutting_claims
),

totals as (
    select
        a.gemeente_code,
        a.toewijzing_nummer,
        if(a.volume is null, a.budget_cents, a.toegewezen_totaal) as toegewezen,
        coalesce(sum(c.hoeveelheid), 0) as gedeclareerd
    from allocations as a
    left join counted as c using (gemeente_code, toewijzing_nummer)
    group by all
),

segments as (
    -- the whole validity
    select
        gemeente_code,
        toewijzing_nummer,
        false as is_jaar,
        ingangsdatum as period_start,
        geldig_tot as period_end,
        ingangsdatum as segment_start,
        geldig_tot as segment_end,
        geldigheid_dagen as dagen,
        verstreken_dagen as verstreken,
        1.0 as aandeel
    from allocations
    union all
    -- the calendar year of peildatum, when the validity started in an earlier year
    select
        gemeente_code,
        toewijzing_nummer,
        true as is_jaar,
        jaar_start as period_start,
        make_date(year(jaar_start), 12, 31) as period_end,
        jaar_start as segment_start,
        segment_end,
        datediff('day', jaar_start, segment_end) + 1 as dagen,
        datediff('day', jaar_start, least(getvariable('peildatum'), segment_end)) + 1 as verstreken,
        dagen / geldigheid_dagen as aandeel
    from (
        select
            *,
            make_date(year(getvariable('peildatum')), 1, 1) as jaar_start,
            least(geldig_tot, make_date(year(getvariable('peildatum')), 12, 31)) as segment_end
        from allocations
    )
    where ingangsdatum < jaar_start and geldig_tot >= jaar_start
),

segment_claims as (
    select
        s.gemeente_code,
        s.toewijzing_nummer,
        s.is_jaar,
        sum(c.hoeveelheid) as gedeclareerd
    from segments as s
    inner join counted as c
        on
            s.gemeente_code = c.gemeente_code
            and s.toewijzing_nummer = c.toewijzing_nummer
            and c.begindatum between s.segment_start and s.segment_end
    group by s.gemeente_code, s.toewijzing_nummer, s.is_jaar
),

measured as (
    select
        s.*,
        t.toegewezen * s.aandeel as deel,
        t.gedeclareerd >= t.toegewezen as al_op,
        coalesce(g.gedeclareerd, 0) as gedeclareerd
    from segments as s
    inner join totals as t using (gemeente_code, toewijzing_nummer)
    left join segment_claims as g using (gemeente_code, toewijzing_nummer, is_jaar)
    where t.toegewezen > 0
),

flagged as (
    select
        m.*,
        a.aanbieder_agb,
        a.client_key,
        a.product_code,
        a.product_categorie,
        a.ingangsdatum,
        a.einddatum,
        a.volume,
        a.eenheid,
        a.soort,
        m.verstreken / m.dagen as fractie,
        m.gedeclareerd / m.deel as benut,
        benut / fractie as tempo,
        cast(
            m.segment_start + cast(floor(m.verstreken * m.deel / m.gedeclareerd) as integer) as date
        ) as op_datum
    from measured as m
    inner join allocations as a using (gemeente_code, toewijzing_nummer)
    inner join parameters as p using (gemeente_code)
    where
        not m.al_op
        and round(fractie, 9) >= p.min_verstreken
        and benut < 1
        and round(tempo, 9) >= p.prognose_drempel
),

-- the evidence lists only for the few flagged segments (an ordered list per segment of every
-- allocation is state that DuckDB cannot spill)
evidence as (
    select
        f.gemeente_code,
        f.toewijzing_nummer,
        f.is_jaar,
        list(c.referentie_nummer order by c.begindatum, c.referentie_nummer)
            filter (where c.referentie_nummer is not null) as regels
    from flagged as f
    inner join counted as c
        on
            f.gemeente_code = c.gemeente_code
            and f.toewijzing_nummer = c.toewijzing_nummer
            and c.begindatum between f.segment_start and f.segment_end
    group by f.gemeente_code, f.toewijzing_nummer, f.is_jaar
),

described as (
    select
        f.*,
        e.regels,
        list_transform(
            [gedeclareerd, deel],
            lambda x: if(
                volume is null, fmt_eur(x), fmt_volume(x, eenheid, soort, if(x % 1 = 0, 0, 1))
            )
        ) as tekst
    from flagged as f
    left join evidence as e using (gemeente_code, toewijzing_nummer, is_jaar)
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    period_start,
    period_end,
    tempo as measured,
    p.prognose_drempel as threshold,
    'verhouding' as unit,
    0 as impact_cents,
    coalesce(regels, []) as evidence,
    if(is_jaar, 'In ' || year(period_start) || ' is toewijzing ', 'Toewijzing ')
    || toewijzing_nummer || ' (' || coalesce(product_code, 'categorie ' || product_categorie)
    || ', ' || fmt_datum(ingangsdatum) || ' t/m ' || coalesce(fmt_datum(einddatum), 'open einde')
    || ') ' || if(is_jaar, '', 'is ') || 'na ' || verstreken || ' van ' || dagen
    || if(is_jaar, ' dagen van dat jaar', ' dagen')
    || ' (' || fmt_num(round(100 * fractie, 1), 1) || ' %) al voor '
    || fmt_num(round(100 * benut, 1), 1) || ' % '
    || if(is_jaar, 'van het jaardeel gebruikt', 'gebruikt') || ' (' || tekst[1] || ' van '
    || tekst[2] || '), ' || fmt_num(round(tempo, 1), 1) || ' keer zo snel als de tijd verstrijkt; '
    || 'bij dit tempo is ' || if(is_jaar, 'het jaardeel', 'de toewijzing') || ' op '
    || fmt_datum(op_datum)
    || ' op.' as message
from described
inner join parameters as p using (gemeente_code)
