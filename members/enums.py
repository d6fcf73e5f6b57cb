from django.db import models


class CredentialType(models.TextChoices):
    LCSW = "lcsw", "LCSW (Licensed Clinical Social Worker)"
    LMFT = "lmft", "LMFT (Licensed Marriage and Family Therapist)"
    LPC = "lpc", "LPC / LPCC (Licensed Professional Counselor)"
    LMHC = "lmhc", "LMHC (Licensed Mental Health Counselor)"
    PSYCHOLOGIST = "psychologist", "Psychologist (PhD / PsyD)"
    PSYCHIATRIST = "psychiatrist", "Psychiatrist (MD / DO)"
    PMHNP = "pmhnp", "Psychiatric nurse practitioner"
    PRELICENSED = "prelicensed", "Pre-licensed / associate"
    OTHER = "other", "Other"


class PracticeSetting(models.TextChoices):
    PRIVATE = "private", "Private practice"
    GROUP = "group", "Group practice"
    AGENCY = "agency", "Community agency"
    HOSPITAL = "hospital", "Hospital or clinic"
    SCHOOL = "school", "School or university"
    TELEHEALTH = "telehealth", "Telehealth only"
    OTHER = "other", "Other"


class VocabularyKind(models.TextChoices):
    SPECIALTY = "specialty", "Specialty"
    MODALITY = "modality", "Modality"
    POPULATION = "population", "Population served"
