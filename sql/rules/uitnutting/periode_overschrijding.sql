-- rule: uitnutting.periode_overschrijding
-- title: Meer gedeclareerd in een kalendermaand dan de toewijzing per dag, week of maand toestaat
-- source: seed 002 §3 Protocol maatwerkvoorziening Begeleiding (lines ~3841-3851, frequentie
--   en flexibiliteit van de toewijzing); RULES.md §1 and Conventions (Units, Net claims: a line
--   belongs to the month of its begindatum)
-- uitleg: In een kalendermaand is meer gedeclareerd dan de toewijzing per dag, week of maand toestaat.
-- actie: crediteren
-- grondslag: Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, §3 Protocol maatwerkvoorziening Begeleiding (frequentie van de toewijzing)
-- severity: midden
-- version: 1
-- reads: models.toewijzingen, models.uitnutting_claims
-- reading: allocations in scope with frequentie 1 (dag), 2 (week) or 4 (maand) and a volume
--   (budget allocations have no per-period volume). Counted claims from models.uitnutting_claims
--   (time in minutes). Per calendar month of begindatum the maximum is taken over the month ∩
--   validity, where an open-ended allocation has no end here (the peildatum end is for fractions
--   only): week = volume × ISO weeks that this span touches (a week shared by two months counts in
--   both), month = volume (also for a partial month), day = volume × days of the span. Signal when
--   claimed > maximum (equal is fine); one signal per allocation and month, period = the calendar
--   month. The excess is assigned to the lines that crossed the maximum (running sum by
--   begindatum, then referentie_nummer, computed here only over the lines of the months over
--   their maximum): evidence = those lines, impact = their excess part × each line's contract
--   tariff (per hour for time). Interaction: independent of
--   uitnutting.overschrijding (a monthly cap is another finding than the total); both may fire for
--   the same claims.
with allocations as (
    select * from models.toewijzingen
    where in_scope and frequentie in ('1', '2', '4') and volume is not null
),

counted as (
    select c.*
    from models.uitnutting_claims as c
    semi join allocations as a using (gemeente_code, toewijzing_nummer)
),

month_totals as (
    -- the sums find the months over their maximum first: running sums only for their lines
    select gemeente_code, toewijzing_nummer, maand, sum(hoeveelheid) as gedeclareerd
    from counted
    group by gemeente_code, toewijzing_nummer, maand
),

month_spans as (
    select
        t.*,
        greatest(t.maand, a.ingangsdatum) as span_start,
        least(month_end(t.maand), coalesce(a.einddatum, month_end(t.maand))) as span_end
    from month_totals as t
    inner join allocations as a using (gemeente_code, toewijzing_nummer)
),

month_limits as (
    select
        s.*,
        case a.frequentie
            when '2' then datediff('day', iso_week_start(s.span_start), iso_week_start(s.span_end))
                // 7 + 1
            when '4' then 1
            when '1' then datediff('day', s.span_start, s.span_end) + 1
        end as perioden,
        a.volume * a.minuten_per_eenheid * perioden as maximum
    from month_spans as s
    inner join allocations as a using (gemeente_code, toewijzing_nummer)
),

running as (
    select
        m.gemeente_code,
        m.toewijzing_nummer,
        m.maand,
        m.maximum,
        m.perioden,
        m.gedeclareerd,
        c.referentie_nummer,
        c.begindatum,
        c.hoeveelheid,
        c.cent_per_eenheid,
        sum(c.hoeveelheid) over (
            partition by m.gemeente_code, m.toewijzing_nummer, m.maand
            order by c.begindatum, c.referentie_nummer
            rows between unbounded preceding and current row
        ) as cumulatief_maand
    from month_limits as m  -- allocations in scope only: no semi join with them needed here
    inner join models.uitnutting_claims as c using (gemeente_code, toewijzing_nummer, maand)
    where m.gedeclareerd > m.maximum
),

per_month as (
    select
        gemeente_code,
        toewijzing_nummer,
        maand,
        any_value(maximum) as maximum,
        any_value(perioden) as perioden,
        any_value(gedeclareerd) as gedeclareerd,
        sum(
            least(hoeveelheid, greatest(cumulatief_maand - maximum, 0)) * cent_per_eenheid
        ) as impact,
        list(referentie_nummer order by begindatum, referentie_nummer)
            filter (where cumulatief_maand > maximum) as regels
    from running
    group by gemeente_code, toewijzing_nummer, maand
),

flagged as (
    select
        a.*,
        p.maand,
        p.maximum,
        p.perioden,
        p.gedeclareerd,
        p.impact,
        p.regels
    from per_month as p
    inner join allocations as a using (gemeente_code, toewijzing_nummer)
    where p.gedeclareerd > p.maximum
),

described as (
    select
        *,
        list_transform(
            [gedeclareerd, maximum, gedeclareerd - maximum, volume * minuten_per_eenheid],
            lambda x: fmt_volume(x, eenheid, soort, 0)
        ) as tekst,
        [
            'januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus',
            'september', 'oktober', 'november', 'december'
        ][month(maand)] || ' ' || year(maand) as maandnaam
    from flagged
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    maand as period_start,
    month_end(maand) as period_end,
    cast(gedeclareerd as double) as measured,
    cast(maximum as double) as threshold,
    case
        when is_tijd then 'minuten'
        when eenheid = '14' then 'etmalen'
        when eenheid = '16' then 'dagdelen'
        when soort in ('vervoer', 'vervoer_rolstoel') then 'retourritten'
        else 'eenheden'
    end as unit,
    round_half_up(impact) as impact_cents,
    regels as evidence,
    'In ' || maandnaam || ' is op toewijzing ' || toewijzing_nummer || ' ('
    || coalesce(product_code, 'categorie ' || product_categorie) || ') ' || tekst[1]
    || ' gedeclareerd, meer dan het maximum van ' || tekst[2] || ' voor die maand ('
    || case frequentie
        when '2' then tekst[4] || ' per week × ' || perioden || ' ISO-weken'
        when '4' then tekst[4] || ' per maand'
        when '1' then tekst[4] || ' per dag × ' || perioden || if(perioden = 1, ' dag', ' dagen')
    end || '): ' || tekst[3] || ' te veel (' || fmt_eur(round_half_up(impact)) || ').' as message
from described
