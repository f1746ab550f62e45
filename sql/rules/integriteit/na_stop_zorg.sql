-- rule: integriteit.na_stop_zorg
-- title: Declaratie na de gemelde stop van de zorg (307-bericht)
-- source: iWmo 3.2 stopbericht 307 (TR019: start/stop gerelateerd aan de toewijzing via het
--   ToewijzingNummer; TR326: na een stop kan een nieuwe start volgen); RULES.md §7
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, models.toewijzingen, staging.zorgmeldingen
-- reading: zorgmeldingen match a claim on toewijzing_nummer + aanbieder_agb + bsn. A net
--   (uncredited) debit line is flagged when its whole period lies after a reported stop (the
--   latest 307 datum before begindatum; the stop day itself is the last claimable day) and no
--   305 restarts care after that stop on or before the claim's einddatum (a restart within the
--   period makes it partly claimable). Claims entirely before the first start are
--   voor_start_zorg, not this rule. measured = days between the stop and the claim's begin;
--   impact = the whole amount. Interaction (one signal per problem): only for allocations that
--   exist, are not deleted and have the claimed product, and only for claims inside the
--   allocation's validity (else buiten_toewijzingsperiode); independent of unit, amount and
--   tariff. One signal per toewijzing, client and claim begindatum.
with claim_lines as (
    select * from models.declaraties_netto
),

allocations as (
    select * from models.toewijzingen
),

reports as (
    select * from staging.zorgmeldingen
),

first_start as (
    select toewijzing_nummer, aanbieder_agb, bsn, min(datum) as start_datum
    from reports
    where soort = 'start'
    group by toewijzing_nummer, aanbieder_agb, bsn
),

eligible as (
    select c.*
    from claim_lines as c
    inner join allocations as a
        on c.gemeente_code = a.gemeente_code and c.toewijzing_nummer = a.toewijzing_nummer
    left join first_start as s
        on
            c.toewijzing_nummer = s.toewijzing_nummer
            and c.aanbieder_agb = s.aanbieder_agb
            and c.bsn = s.bsn
    where
        coalesce(a.reden_wijziging, '') <> '13'
        and c.product_categorie = a.product_categorie
        and (a.product_code is null or c.product_code is not distinct from a.product_code)
        and c.begindatum >= a.ingangsdatum
        and (a.einddatum is null or c.einddatum <= a.einddatum)
        and (s.start_datum is null or c.einddatum >= s.start_datum)
),

last_stop as (
    select
        c._volgnr,
        max(r.datum) as stop_datum
    from eligible as c
    inner join reports as r
        on
            c.toewijzing_nummer = r.toewijzing_nummer
            and c.aanbieder_agb = r.aanbieder_agb
            and c.bsn = r.bsn
            and r.soort = 'stop'
            and r.datum < c.begindatum
    group by c._volgnr
),

flagged as (
    select
        c.*,
        l.stop_datum,
        datediff('day', l.stop_datum, c.begindatum) as dagen_na_stop,
        c.referentie_nummer || ' (' || fmt_eur(c.ingediend_bedrag_cents) || ', '
        || if(
            c.begindatum = c.einddatum,
            fmt_datum(c.begindatum),
            fmt_datum(c.begindatum) || ' t/m ' || fmt_datum(c.einddatum)
        ) || ')' as regel
    from eligible as c
    inner join last_stop as l using (_volgnr)
    where not exists (
        select 1
        from reports as r
        where
            r.toewijzing_nummer = c.toewijzing_nummer
            and r.aanbieder_agb = c.aanbieder_agb
            and r.bsn = c.bsn
            and r.soort = 'start'
            and r.datum > l.stop_datum
            and r.datum <= c.einddatum
    )
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(min(dagen_na_stop) as double) as measured,
    0.0 as threshold,
    'dagen' as unit,
    sum(ingediend_bedrag_cents) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    if(count(*) = 1, 'Declaratie ', 'Declaraties ')
    || string_agg(regel, ', ' order by referentie_nummer)
    || ' op toewijzing ' || toewijzing_nummer
    || if(count(*) = 1, ' ligt', ' liggen') || ' geheel na de stop van de zorg op '
    || fmt_datum(max(stop_datum)) || ' (stopbericht 307).' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, bsn, begindatum
