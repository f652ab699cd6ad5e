#ifndef GSD_CSOAPYSDR_SHIM_H
#define GSD_CSOAPYSDR_SHIM_H
#include <SoapySDR/Device.h>
#include <SoapySDR/Formats.h>
#include <SoapySDR/Errors.h>
#include <SoapySDR/Logger.h>
#include <SoapySDR/Version.h>
#endif
