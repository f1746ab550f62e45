-- query: bewijs
-- title: Omschrijving van elk bewijsstuk (declaratieregel, contactmoment, afwezigheid) van de signalen
-- reads: main.signals, staging.declaraties, staging.contactmomenten, staging.afwezigheden
-- reading: evidence holds referentie_nummers, contact_ids or afwezigheid_ids. One Dutch line per
--   matching row; no BSN (the lines name the claim, not the client).
with refs as (
    select distinct unnest(evidence) as ref from main.signals
),

eenheden as (
    select * from (values
        ('01', 'minuten'), ('04', 'uur'), ('14', 'etmalen'), ('16', 'dagdelen'),
        ('82', 'stuks'), ('83', 'euro'), ('84', 'stuks')
    ) as e (eenheid, label)
),

claim_lines as (
    select
        d.referentie_nummer as ref,
        'Declaratieregel ' || d.referentie_nummer
        || if(d.debet_credit = 'C', ' (credit van ' || coalesce(d.vorig_referentie_nummer, '?') || ')', '')
        || ': product ' || coalesce(d.product_code, d.product_categorie) || ', '
        || if(d.begindatum = d.einddatum, fmt_datum(d.begindatum),
            fmt_datum(d.begindatum) || ' t/m ' || fmt_datum(d.einddatum))
        || ', ' || fmt_num(d.geleverd_volume, 0) || ' ' || coalesce(e.label, d.eenheid)
        || ' à ' || fmt_eur(d.product_tarief_cents)
        || ' = ' || fmt_eur(d.ingediend_bedrag_cents)
        || ' (declaratie ' || d.declaratie_nummer || ' van ' || fmt_datum(d.declaratie_dagtekening)
        || ', toewijzing ' || d.toewijzing_nummer || ')' as omschrijving
    from staging.declaraties as d
    inner join refs as r on d.referentie_nummer = r.ref
    left join eenheden as e on d.eenheid = e.eenheid
),

contacts as (
    select
        c.contact_id as ref,
        'Contactmoment ' || c.contact_id || ': ' || replace(c.soort, '_', '-') || ' via '
        || c.kanaal || ' op ' || strftime(c.gepland_begin, '%d-%m-%Y %H:%M') || ', resultaat '
        || replace(c.resultaat, '_', ' ') || ', ' || fmt_num(c.minuten_gedeclareerd, 0)
        || ' minuten geregistreerd'
        || coalesce(', afgezegd op ' || strftime(c.afgezegd_op, '%d-%m-%Y %H:%M'), '')
        || ' (toewijzing ' || c.toewijzing_nummer || ')' as omschrijving
    from staging.contactmomenten as c
    inner join refs as r on c.contact_id = r.ref
),

absences as (
    select
        a.afwezigheid_id as ref,
        'Afwezigheid ' || a.afwezigheid_id || ': ' || replace(a.reden, '_', ' ') || ' van '
        || fmt_datum(a.begindatum) || coalesce(' t/m ' || fmt_datum(a.einddatum), ', loopt nog')
        || if(a.terugkeer_beoogd, ', terugkeer beoogd', ', geen terugkeer beoogd')
        || if(a.andere_financiering, ', andere financiering', '') as omschrijving
    from staging.afwezigheden as a
    inner join refs as r on a.afwezigheid_id = r.ref
)

select ref, omschrijving from claim_lines
union all
select ref, omschrijving from contacts
union all
select ref, omschrijving from absences
