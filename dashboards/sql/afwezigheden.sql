-- query: afwezigheden
-- title: Afwezigheden van cliënten met beschermd wonen, met de 6-maandengrens en de BW-dagen die erin vallen
-- reads: staging.afwezigheden, models.toewijzingen, models.declaraties_netto, staging.regelparameters
-- reading: RULES.md §5. One row per absence and BW allocation of the client that overlaps it.
--   An absence is claimable when reden is ggz_opname or detentie, return is intended and no
--   other scheme pays; claimable up to begindatum + max_maanden (the line). Claimed BW days in
--   the absence = overlap of each claim period with the absence, at most the claimed volume;
--   euro = days x the claimed tariff. An open absence runs until peildatum; status and days
--   away are measured at peildatum (a planned einddatum after it is shown, not counted).
with bw as (
    select gemeente_code, toewijzing_nummer, aanbieder_agb, client_key, ingangsdatum, geldig_tot
    from models.toewijzingen
    where soort = 'bw' and in_scope
),

params as (
    select
        gemeente_code,
        cast(coalesce(max_maanden, 6) as integer) as max_maanden,
        cast(coalesce(nadert_maanden, 5) as integer) as nadert_maanden
    from staging.regelparameters
),

absences as (
    select
        a.afwezigheid_id,
        a.client_key,
        a.reden,
        a.begindatum,
        a.einddatum,
        a.terugkeer_beoogd,
        a.andere_financiering,
        b.gemeente_code,
        b.toewijzing_nummer,
        b.aanbieder_agb,
        coalesce(a.einddatum, getvariable('peildatum')) as eind,
        add_months(a.begindatum, coalesce(p.max_maanden, 6)) as grens,
        add_months(a.begindatum, coalesce(p.nadert_maanden, 5)) as waarschuwing,
        a.reden in ('ggz_opname', 'detentie') and a.terugkeer_beoogd
        and not a.andere_financiering as toegestaan
    from staging.afwezigheden as a
    inner join bw as b
        on
            a.client_key = b.client_key
            and a.begindatum <= b.geldig_tot
            and coalesce(a.einddatum, getvariable('peildatum')) >= b.ingangsdatum
    left join params as p on b.gemeente_code = p.gemeente_code
),

overlap_days as (
    select
        ab.afwezigheid_id,
        ab.toewijzing_nummer,
        least(d.geleverd_volume, datediff('day', greatest(d.begindatum, ab.begindatum),
            least(d.einddatum, ab.eind)) + 1) as dagen,
        least(d.geleverd_volume, greatest(0, datediff('day', greatest(d.begindatum, ab.grens),
            least(d.einddatum, ab.eind)) + 1)) as dagen_na_grens,
        d.product_tarief_cents
    from absences as ab
    inner join models.declaraties_netto as d
        on
            ab.client_key = d.client_key
            and ab.gemeente_code = d.gemeente_code
            and ab.toewijzing_nummer = d.toewijzing_nummer
            and d.begindatum <= ab.eind
            and d.einddatum >= ab.begindatum
),

claimed as (
    select
        afwezigheid_id,
        toewijzing_nummer,
        sum(dagen) as dagen,
        sum(dagen_na_grens) as dagen_na_grens,
        sum(dagen * product_tarief_cents) as bedrag_cents,
        sum(dagen_na_grens * product_tarief_cents) as bedrag_na_grens_cents
    from overlap_days
    group by afwezigheid_id, toewijzing_nummer
)

select
    ab.afwezigheid_id,
    ab.client_key,
    ab.gemeente_code,
    ab.toewijzing_nummer,
    ab.aanbieder_agb,
    ab.reden,
    ab.begindatum,
    ab.einddatum,
    ab.eind,
    ab.grens,
    ab.toegestaan,
    ab.terugkeer_beoogd,
    ab.andere_financiering,
    datediff('day', ab.begindatum, least(ab.eind, getvariable('peildatum'))) + 1 as dagen_afwezig,
    coalesce(c.dagen, 0) as bw_dagen,
    coalesce(c.dagen_na_grens, 0) as bw_dagen_na_grens,
    coalesce(c.bedrag_cents, 0) as bedrag_cents,
    coalesce(c.bedrag_na_grens_cents, 0) as bedrag_na_grens_cents,
    case
        when least(ab.eind, getvariable('peildatum')) >= ab.grens then 'voorbij de grens'
        when ab.eind < getvariable('peildatum') then 'afgelopen'
        when ab.waarschuwing <= getvariable('peildatum') then 'nadert de grens'
        else 'loopt'
    end as status
from absences as ab
left join claimed as c using (afwezigheid_id, toewijzing_nummer)
