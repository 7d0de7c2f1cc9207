/*
 * wizard_form.c - the chosen version's config schema as the wizard's
 * form, and the form back as a config document.  See wizard.h.
 *
 * Settings map to fields one to one (wizard_schema.h flattens them):
 * integer and number to numeric fields with their bounds, boolean to a
 * yes/no, an enum to a choice (Backspace empties an optional one), the
 * rest to text with its lengths and pattern.  A field left empty is left out of the
 * config, so the hub applies the schema's default.
 */
#include "config.h"

#include "views/wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "views/app.h"

static const char *const wizard_bools[] = { "true", "false" };

/* The form field of one setting; initial is its starting text. */
static void
wizard_form_field(const struct wizard_prop *p, const char *initial,
    struct form_field *f)
{
	memset(f, 0, sizeof *f);
	f->name = p->path;
	f->label = p->label;
	f->help = p->help[0] != '\0' ? p->help : NULL;
	f->required = p->required;
	f->min_len = p->min_len;
	f->max_len = p->max_len;
	f->value = initial;
	if (p->nchoices > 0) {
		f->type = FORM_CHOICE;
		f->choices = (const char *const *)p->choices;
		f->nchoices = p->nchoices;
		return;
	}
	switch (p->type) {
	case WIZARD_INTEGER:
		f->type = FORM_INTEGER;
		break;
	case WIZARD_NUMBER:
		f->type = FORM_NUMBER;
		break;
	case WIZARD_BOOLEAN:
		f->type = FORM_BOOL;
		f->choices = wizard_bools;
		f->nchoices = 2;
		break;
	default:
		f->type = FORM_TEXT;
		f->pattern = p->pattern[0] != '\0' ? p->pattern : NULL;
		break;
	}
	f->has_min = p->has_min;
	f->has_max = p->has_max;
	f->min = p->min;
	f->max = p->max;
}

void
wizard_form_build(struct wizard *w)
{
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(w->version_doc,
	    "config_schema");
	struct form_field *fields;
	char (*init)[WIZARD_TEXT_MAX];
	struct cm_err err;
	size_t i, n = 0;
	const struct wizard_prop *p;

	form_free(w->form);
	w->form = NULL;
	wizard_props_done(&w->props);
	cm_err_clear(&err);
	if (wizard_schema_flatten(schema, &w->props, &err) != CM_OK)
		app_toast(w->v->app, TOAST_ERROR, "%s", err.msg);
	fields = xcalloc(w->props.n + 1, sizeof *fields);
	init = xcalloc(w->props.n + 1, sizeof *init);
	if (!w->upgrade) {
		fields[n].name = WIZARD_NS_FIELD;
		fields[n].label = "namespace";
		fields[n].help = "Kubernetes namespace to deploy into";
		fields[n].type = FORM_TEXT;
		fields[n].min_len = -1;
		fields[n].max_len = 63;
		fields[n].pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
		fields[n].value = "default";
		n++;
	}
	for (i = 0; i < w->props.n; i++) {
		p = &w->props.v[i];
		/* An upgrade keeps what runs; a deploy starts from the
		 * defaults. */
		if (!(w->preset_config != NULL &&
		    wizard_schema_text(w->preset_config, p->path, init[i],
		    sizeof init[i])) && p->has_default)
			snprintf(init[i], sizeof init[i], "%s", p->def);
		wizard_form_field(p, init[i], &fields[n++]);
	}
	w->form = form_new(fields, n);
	snprintf(w->form_version, sizeof w->form_version, "%s", w->version);
	free(fields);
	free(init);
}

const char *
wizard_form_namespace(const struct wizard *w)
{
	long i;

	if (w->form == NULL)
		return "";
	i = form_find(w->form, WIZARD_NS_FIELD);
	return i >= 0 ? form_value(w->form, (size_t)i) : "";
}

cJSON *
wizard_form_config(struct wizard *w, struct cm_err *err)
{
	cJSON *config = cJSON_CreateObject(), *v;
	const struct wizard_prop *p;
	const char *text;
	long bad;
	size_t i;

	if (w->form == NULL)
		return config;
	bad = form_first_error(w->form);
	if (bad >= 0) {
		form_set_focus(w->form, (size_t)bad);
		cm_err_set(err, CM_VALIDATION, form_field(w->form,
		    (size_t)bad)->name, "%s: %s", form_field(w->form,
		    (size_t)bad)->label, form_error(w->form, (size_t)bad));
		cJSON_Delete(config);
		return NULL;
	}
	for (i = 0; i < form_count(w->form); i++) {
		p = wizard_props_find(&w->props, form_field(w->form, i)->name);
		text = form_value(w->form, i);
		if (p == NULL || text[0] == '\0')
			continue;
		if (wizard_schema_value(p, text, &v, err) != CM_OK ||
		    wizard_schema_put(config, p->path, v, err) != CM_OK) {
			form_set_error(w->form, i, err->msg);
			form_set_focus(w->form, i);
			cJSON_Delete(config);
			return NULL;
		}
	}
	return config;
}

bool
wizard_form_blame(struct wizard *w, const char *field, const char *msg)
{
	long i;

	if (w->form == NULL || field == NULL)
		return false;
	if (strncmp(field, "config.", 7) == 0)
		field += 7;
	else if (strcmp(field, "namespace") == 0)
		field = WIZARD_NS_FIELD;
	i = form_find(w->form, field);
	if (i < 0)
		return false;
	form_set_error(w->form, (size_t)i, msg);
	form_set_focus(w->form, (size_t)i);
	return true;
}
