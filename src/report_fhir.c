/*
 * report_fhir.c - the letter as a FHIR R4 document Bundle (report_fhir.h).
 * Every value goes through jansson (json_string, json_real, ...), which
 * escapes it; the narrative's XHTML is escaped with html_escape before it
 * becomes a JSON string.  The narrative is the text letter's own lines
 * (report_letter_lines): each heading a section, each paragraph (a line and
 * the indented lines that continue it) a <p>, table rows in a <pre>.
 */
#include "report_fhir.h"

#include <glib.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

#define LOINC "http://loinc.org"
#define UCUM "http://unitsofmeasure.org"
#define OBS_CATEGORY "http://terminology.hl7.org/CodeSystem/observation-category"
#define XHTML_NS "http://www.w3.org/1999/xhtml"

void report_fhir_uuid(const char *name, char out[37])
{
	/* symtrend's namespace: the RFC 4122 URL namespace's UUID of
	 * "urn:symtrend" would do as well; any fixed 16 bytes serve. */
	static const guint8 ns[16] = { 0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
				       0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA1);
	guint8 h[20];
	gsize n = sizeof(h);
	g_checksum_update(c, ns, sizeof(ns));
	g_checksum_update(c, (const guchar *)name, (gssize)strlen(name));
	g_checksum_get_digest(c, h, &n);
	g_checksum_free(c);
	h[6] = (guint8)((h[6] & 0x0f) | 0x50); /* version 5 */
	h[8] = (guint8)((h[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0],
		 h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13],
		 h[14], h[15]);
}

struct bundle {
	json_t *entries;
	const char *pid, *course, *today;
	char patient[46], practitioner[46], organization[46]; /* "urn:uuid:..." */
};

/* "urn:uuid:" + the UUID of this letter's resource 'what'. */
static void urn(const struct bundle *b, const char *what, char out[46])
{
	char *name = xasprintf("symtrend:%s:%s:%s:%s", b->pid, b->course, b->today, what);
	char uuid[37];
	report_fhir_uuid(name, uuid);
	snprintf(out, 46, "urn:uuid:%s", uuid);
	free(name);
}

static json_t *ref(const char *u)
{
	return json_pack("{s:s}", "reference", u);
}

/* Adds 'res' (taken) as an entry with fullUrl 'u'; its id is the UUID. */
static void entry(struct bundle *b, const char *u, json_t *res)
{
	json_object_set_new(res, "id", json_string(u + 9));
	json_array_append_new(b->entries, json_pack("{s:s,s:o}", "fullUrl", u, "resource", res));
}

static json_t *loinc_type(void)
{
	return json_pack("{s:[{s:s,s:s,s:s}],s:s}", "coding", "system", LOINC, "code", "11488-4",
			 "display", "Consult note", "text", "Progress note");
}

/* Plain text as XHTML character data: escaped, valid UTF-8 only. */
static void xhtml_text(struct strbuf *x, const char *s)
{
	gchar *valid = g_utf8_make_valid(s, -1);
	html_escape(x, valid);
	g_free(valid);
}

/* The sections: from each heading to the next, its lines as paragraphs. */
static json_t *sections(const struct report_lines *ls)
{
	json_t *v = json_array();
	struct strbuf div = STRBUF_INIT;
	const char *title = NULL;
	size_t i, para_indent = 0;
	int in_p = 0, in_pre = 0;
	for (i = 0; i <= ls->n; i++) {
		const struct report_line *x = i < ls->n ? &ls->v[i] : NULL;
		if (!x || x->kind == REPORT_LINE_HEADING) {
			if (title) {
				sb_adds(&div, in_p ? "</p>" : in_pre ? "</pre>" : "");
				sb_adds(&div, "</div>");
				json_array_append_new(
					v, json_pack("{s:s,s:{s:s,s:s}}", "title", title, "text",
						     "status", "generated", "div", div.buf));
			}
			sb_reset(&div);
			sb_adds(&div, "<div xmlns=\"" XHTML_NS "\">");
			in_p = in_pre = 0;
			title = x ? x->text : NULL;
			continue;
		}
		if (!title)
			continue; /* the letterhead and the addressee are resources */
		switch (x->kind) {
		case REPORT_LINE_TABLE:
			if (in_p)
				sb_adds(&div, "</p>");
			sb_adds(&div, in_pre ? "\n" : "<pre>");
			xhtml_text(&div, x->text);
			in_p = 0;
			in_pre = 1;
			break;
		case REPORT_LINE_TEXT:
			if (in_p && x->indent > para_indent) {
				sb_addc(&div, ' ');
			} else {
				sb_adds(&div, in_p ? "</p>" : in_pre ? "</pre>" : "");
				sb_adds(&div, "<p>");
				para_indent = x->indent;
			}
			xhtml_text(&div, x->text);
			in_p = 1;
			in_pre = 0;
			break;
		default:
			sb_adds(&div, in_p ? "</p>" : in_pre ? "</pre>" : "");
			in_p = in_pre = 0;
			break;
		}
	}
	sb_release(&div);
	return v;
}

static json_t *patient(const struct report_letter *l, const char *system)
{
	json_t *p = json_pack("{s:s,s:[{s:s,s:s}]}", "resourceType", "Patient", "identifier",
			      "system", system, "value", l->note.patient_id);
	char y[8];
	if (l->visits.name && *l->visits.name)
		json_object_set_new(p, "name", json_pack("[{s:s}]", "text", l->visits.name));
	if (l->note.birth_year > 0 && l->note.birth_year <= 9999) {
		snprintf(y, sizeof(y), "%04d", l->note.birth_year);
		json_object_set_new(p, "birthDate", json_string(y));
	}
	return p;
}

static json_t *practitioner(const struct report_letter *l)
{
	json_t *p = json_pack("{s:s,s:[{s:s}]}", "resourceType", "Practitioner", "name", "text",
			      l->note.therapist);
	if (l->signer.email && *l->signer.email)
		json_object_set_new(p, "telecom", json_pack("[{s:s,s:s}]", "system", "email",
							    "value", l->signer.email));
	if (l->signer.credentials && *l->signer.credentials)
		json_object_set_new(p, "qualification",
				    json_pack("[{s:{s:s}}]", "code", "text", l->signer.credentials));
	return p;
}

static json_t *organization(const struct report_letter *l)
{
	json_t *o = json_pack("{s:s}", "resourceType", "Organization"), *tel = json_array();
	if (*l->clinic_name)
		json_object_set_new(o, "name", json_string(l->clinic_name));
	if (*l->clinic_phone)
		json_array_append_new(tel, json_pack("{s:s,s:s}", "system", "phone", "value",
						     l->clinic_phone));
	if (*l->clinic_email)
		json_array_append_new(tel, json_pack("{s:s,s:s}", "system", "email", "value",
						     l->clinic_email));
	if (json_array_size(tel))
		json_object_set_new(o, "telecom", tel);
	else
		json_decref(tel);
	if (*l->clinic_address)
		json_object_set_new(o, "address", json_pack("[{s:s}]", "text", l->clinic_address));
	return o;
}

/* One Observation per scored session and measure of the course. */
static void observations(struct bundle *b, const struct clinic_settings *cs,
			 const struct report_letter *l)
{
	const struct store_course *c = l->note.course;
	const char *system = cs->fhir_code_system;
	size_t m, i;
	for (m = 0; c && m < c->nmeasures && m < l->note.nm; m++) {
		const char *name = l->note.m[m].name;
		const char *label = l->label[m] && *l->label[m] ? l->label[m] : name;
		const char *loinc = m < cs->nm && cs->m[m].loinc ? cs->m[m].loinc : "";
		json_t *code = *loinc
			? json_pack("{s:[{s:s,s:s}],s:s}", "coding", "system", LOINC, "code", loinc,
				    "text", label)
			: json_pack("{s:[{s:s,s:s}],s:s}", "coding", "system", system, "code", name,
				    "text", label);
		for (i = 0; i < c->n; i++) {
			double y = c->score[i * c->nmeasures + m];
			char d[11], u[46], *what;
			json_t *o;
			if (!isfinite(y))
				continue;
			date_format(c->date[i], d);
			what = xasprintf("Observation:%s:%zu", name, i);
			urn(b, what, u);
			free(what);
			o = json_pack("{s:s,s:s,s:[{s:[{s:s,s:s,s:s}]}],s:O,s:o,s:s,s:{s:f,s:s,s:s,s:s}}",
				      "resourceType", "Observation", "status", "final", "category",
				      "coding", "system", OBS_CATEGORY, "code", "survey", "display",
				      "Survey", "code", code, "subject", ref(b->patient),
				      "effectiveDateTime", d, "valueQuantity", "value", y, "unit",
				      "{score}", "system", UCUM, "code", "{score}");
			if (l->note.therapist && *l->note.therapist)
				json_object_set_new(o, "performer", json_pack("[o]", ref(b->practitioner)));
			entry(b, u, o);
		}
		json_decref(code);
	}
}

int report_fhir_bundle(struct store *s, const struct report_letter *l, const char *text,
		       const struct strbuf *pdf, char **out, struct error *err)
{
	struct bundle b;
	struct report_lines ls;
	struct clinic_settings cs;
	char *when, *title, ucomp[46], udoc[46], ubundle[46];
	gchar *b64;
	json_t *bundle, *comp, *authors, *doc;
	int ret = -1;
	memset(&b, 0, sizeof(b));
	settings_load(s, &cs);
	b.entries = json_array();
	b.pid = l->note.patient_id;
	b.course = l->note.course_id;
	b.today = l->note.today;
	urn(&b, "Patient", b.patient);
	urn(&b, "Practitioner", b.practitioner);
	urn(&b, "Organization", b.organization);
	urn(&b, "Composition", ucomp);
	urn(&b, "DocumentReference", udoc);
	urn(&b, "Bundle", ubundle);
	when = xasprintf("%sT00:00:00Z", l->note.today);
	title = xasprintf("Progress note, patient %s, course %s", l->note.patient_id,
			  l->note.course_id);

	authors = json_array();
	if (l->note.therapist)
		json_array_append_new(authors, ref(b.practitioner));
	json_array_append_new(authors, ref(b.organization));
	report_letter_lines(&ls, text, l->note.today);
	comp = json_pack("{s:s,s:s,s:o,s:o,s:s,s:o,s:s,s:o,s:o}", "resourceType", "Composition",
			 "status", "final", "type", loinc_type(), "subject", ref(b.patient), "date",
			 when, "author", authors, "title", title, "custodian", ref(b.organization),
			 "section", sections(&ls));
	report_lines_release(&ls);
	entry(&b, ucomp, comp);
	entry(&b, b.patient, patient(l, cs.fhir_identifier_system));
	if (l->note.therapist)
		entry(&b, b.practitioner, practitioner(l));
	entry(&b, b.organization, organization(l));
	observations(&b, &cs, l);
	b64 = g_base64_encode((const guchar *)(pdf->buf ? pdf->buf : ""), pdf->len);
	doc = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:O,s:s,s:[{s:{s:s,s:s,s:s,s:s}}]}",
			"resourceType", "DocumentReference", "status", "current", "docStatus",
			"final", "type", loinc_type(), "subject", ref(b.patient), "date", when,
			"author", authors, "description", title, "content", "attachment",
			"contentType", "application/pdf", "data", b64, "title", "note.pdf",
			"creation", l->note.today);
	g_free(b64);
	entry(&b, udoc, doc);
	bundle = json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:s,s:o}", "resourceType", "Bundle", "id",
			   ubundle + 9, "identifier", "system", "urn:ietf:rfc:3986", "value",
			   ubundle, "type", "document", "timestamp", when, "entry", b.entries);
	if (!bundle || !comp || !doc) {
		error_set(err, ERR_IO, NULL, 0, "cannot build the FHIR bundle");
		json_decref(bundle);
		goto out;
	}
	*out = json_dumps(bundle, JSON_INDENT(1) | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII);
	json_decref(bundle);
	if (!*out) {
		error_set(err, ERR_IO, NULL, 0, "cannot write the FHIR bundle as JSON");
		goto out;
	}
	ret = 0;
out:
	settings_release(&cs);
	free(when);
	free(title);
	return ret;
}
