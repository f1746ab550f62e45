-- rule: integriteit.buiten_toewijzingsperiode
-- title: Declaratieperiode valt (deels) buiten de geldigheid van de toewijzing
-- source: iWmo 3.2 TR307 (begindatum >= ingangsdatum) en TR308 (einddatum <= einddatum
--   toewijzing, indien gevuld); RULES.md §7
-- uitleg: Alleen zorg binnen de geldigheid van de toewijzing is declarabel; (een deel van) de declaratieperiode valt erbuiten.
-- actie: crediteren
-- grondslag: iWmo 3.2 TR307 en TR308 (retourcodes 9307 en 9308)
-- severity: hoog
-- version: 1
-- reads: models.integriteit_regels
-- reading: net (uncredited) debit lines with begindatum before the allocation's ingangsdatum or
--   einddatum after its einddatum; an open-ended allocation has no end limit (TR308: "indien
--   die gevuld is"). measured = claim
--   days outside the validity; impact = the amount pro rata to those days (the whole amount when
--   the claim lies entirely outside), rounded half up. Interaction (one signal per problem):
--   only for allocations that exist, are not deleted and have the claimed product (else
--   geen_toewijzing / na_verwijdering / product_afwijkend); a claim outside the validity gets no
--   voor_start_zorg / na_stop_zorg signal (same problem). Unit, amount, tariff, month-boundary
--   and duplicate checks are separate problems and still apply. One signal per toewijzing,
--   client and claim begindatum.
with measured_lines as (
    select
        *,
        datediff('day', begindatum, einddatum) + 1 as claim_dagen,
        greatest(0, least(
            datediff('day', begindatum, einddatum) + 1,
            datediff('day', begindatum, ingangsdatum)
        )) + if(toewijzing_einddatum is null, 0, greatest(0, least(
            datediff('day', begindatum, einddatum) + 1,
            datediff('day', toewijzing_einddatum, einddatum)
        ))) as dagen_buiten
    from models.integriteit_regels
    where koppeling = 'bruikbaar'
),

flagged as (
    select
        *,
        round_half_up(ingediend_bedrag_cents * dagen_buiten / claim_dagen) as bedrag_buiten,
        referentie_nummer || ' (' || fmt_eur(ingediend_bedrag_cents) || ', '
        || fmt_periode(begindatum, einddatum)
        || ': ' || dagen_buiten || if(dagen_buiten = 1, ' dag', ' dagen') || ' buiten)' as regel
    from measured_lines
    where dagen_buiten > 0
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(sum(dagen_buiten) as double) as measured,
    0.0 as threshold,
    'dagen' as unit,
    sum(bedrag_buiten) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    if(count(*) = 1, 'Declaratie ', 'Declaraties ')
    || string_agg(regel, ', ' order by referentie_nummer)
    || if(count(*) = 1, ' valt', ' vallen') || ' buiten de geldigheid van toewijzing '
    || toewijzing_nummer || ' ('
    || coalesce(
        fmt_datum(any_value(ingangsdatum)) || ' t/m ' || fmt_datum(any_value(toewijzing_einddatum)),
        'vanaf ' || fmt_datum(any_value(ingangsdatum))
    ) || '); ' || fmt_eur(sum(bedrag_buiten)) || ' hoort bij dagen buiten de toewijzing.'
    as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
