import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WsErrorsOptions } from './interfaces/ws-errors-options.interface.js';
import { WS_ERRORS_OPTIONS } from './ws-errors.constants.js';

export const {
  ConfigurableModuleClass: WsErrorsConfigurableModule,
  OPTIONS_TYPE: WS_ERRORS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WS_ERRORS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WsErrorsOptions>({ optionsInjectionToken: WS_ERRORS_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
